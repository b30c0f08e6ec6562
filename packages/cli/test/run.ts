// Running the built `backprop` binary from a test (bin/backprop.mjs → dist/: `pnpm build` first).
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const bin = fileURLToPath(new URL('../bin/backprop.mjs', import.meta.url));

/** A shipped data set: examples/data/NAME.csv. */
export const data = (name: string) =>
  fileURLToPath(new URL(`../../../examples/data/${name}.csv`, import.meta.url));

/** Runs `backprop …args` in `cwd`; never rejects (check exitCode). */
export function backprop(cwd: string, ...args: string[]) {
  return execa('node', [bin, ...args], { reject: false, cwd, env: { NO_COLOR: '1' } });
}
