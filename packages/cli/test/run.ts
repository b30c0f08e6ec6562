// Running the built `backprop` binary (bin/backprop.mjs → dist/; `pnpm build` first, as `npm test`
// does) from the process tests, and the paths of the shipped data sets.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const bin = fileURLToPath(new URL('../bin/backprop.mjs', import.meta.url));

/** examples/data/<name>.csv */
export const data = (name: string) =>
  fileURLToPath(new URL(`../../../examples/data/${name}.csv`, import.meta.url));

/** `run(...args)` runs the binary in the directory `cwd()` gives; `json(...args)` adds --json, parses stdout and throws on a non-zero exit. */
export function runner(cwd: () => string) {
  const run = (...args: string[]) =>
    execa('node', [bin, ...args], { reject: false, cwd: cwd(), env: { NO_COLOR: '1' } });
  const json = async (...args: string[]) => {
    const r = await run(...args, '--json');
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  return { run, json };
}

/** Runs `backprop …args` in `cwd`; never rejects (check exitCode). */
export function backprop(cwd: string, ...args: string[]) {
  return runner(() => cwd).run(...args);
}
