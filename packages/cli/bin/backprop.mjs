#!/usr/bin/env node
// The `backprop` command: runs the built program, dist/main.js. In a clone, `pnpm build` (part of
// the README's setup) writes it; when it is missing this says so rather than running the sources
// through tsx, so the command behaves the same from a clone and from an installed package, and
// needs nothing at run time that an installed package would not have.
import { existsSync } from 'node:fs';

const program = new URL('../dist/main.js', import.meta.url);
if (!existsSync(program)) {
  process.stderr.write(
    'backprop: the command line is not built yet (no packages/cli/dist/main.js): run `pnpm build` in the repository first\n',
  );
  process.exitCode = 1; // a setup step left out, not a bug
} else {
  const { main } = await import(program.href);
  process.exitCode = await main(process.argv.slice(2));
}
