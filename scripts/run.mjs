#!/usr/bin/env node
// Runs a root package.json script through the pinned pnpm on a machine that may only have
// Node >= 20 + npm: finds (or installs) pnpm, installs the dependencies the script needs, then
// runs `pnpm run <script> [args...]` and exits with its exit code.
// Usage: node scripts/run.mjs [--with=benchmarks|release|docs] <script> [args...]
//   (`npm test`, `npm run demo`, `pnpm bench`, `pnpm test:release` and `pnpm changeset` use it)
import { ensureInstalled, findPnpm, OPTIONAL_PARTS, root, spawn } from './setup.mjs';

const args = process.argv.slice(2);
const optional = [];
while (args[0]?.startsWith('--with=')) {
  const part = (args.shift() ?? '').slice('--with='.length);
  if (!(part in OPTIONAL_PARTS)) {
    console.error(
      `[run] unknown part '${part}' in --with; expected one of: ${Object.keys(OPTIONAL_PARTS).join(', ')}`,
    );
    process.exit(2);
  }
  optional.push(part);
}
const [script, ...scriptArgs] = args;
if (!script) {
  console.error('usage: node scripts/run.mjs [--with=benchmarks|release|docs] <script> [args...]');
  process.exit(2);
}

const pnpm = findPnpm();
ensureInstalled(pnpm, optional);
const [cmd, prefix] = pnpm;
const r = spawn(cmd, [...prefix, 'run', script, ...scriptArgs], { cwd: root });
if (r.error) {
  console.error(`[run] failed to start: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
