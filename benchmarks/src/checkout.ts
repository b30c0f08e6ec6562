// A checkout of backprop whose code a run measures (this one, or a --baseline): which commit it
// is, and a hash of its core source to notice the code changing during a run.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './options.js';

/** A hash of packages/core/src under `root`, to notice when the measured code changes during a run. */
export function coreSourceHash(root: string): string {
  const h = createHash('sha1');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(p).update(readFileSync(p));
    }
  };
  walk(join(root, 'packages', 'core', 'src'));
  return h.digest('hex').slice(0, 10);
}

/** The short commit of `root`, and whether its packages/core/src has uncommitted changes. */
export async function gitInfo(root: string): Promise<string> {
  const run = (args: string[]) =>
    new Promise<string>((done) => {
      const c = spawn('git', args, { cwd: root });
      let s = '';
      c.stdout.on('data', (d: Buffer) => {
        s += d.toString();
      });
      c.on('error', () => done(''));
      c.on('close', () => done(s.trim()));
    });
  const head = await run(['rev-parse', '--short', 'HEAD']);
  if (!head) return 'unknown commit';
  const dirty = await run(['status', '--porcelain', '--', 'packages/core/src']);
  return dirty ? `${head} + uncommitted changes in packages/core/src` : head;
}

/** Throws, saying what is missing, unless `root` is a checkout of backprop that can run its benchmarks. */
export function checkCheckout(root: string, what: string): void {
  const file = join(root, 'benchmarks', 'src', 'backprop.ts');
  if (!existsSync(file)) {
    throw new UsageError(`${what}: no ${file}; expected the root of a checkout of backprop`);
  }
  if (!existsSync(join(root, 'benchmarks', 'node_modules'))) {
    throw new UsageError(
      `${what}: ${root} has no benchmarks/node_modules; run \`pnpm bench --help\` there once to install them`,
    );
  }
}
