// What the report says a run measured on: the machine, Node, and the version of every library.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { gitInfo } from './checkout.js';

/** The installed version of the npm package `name`, as the benchmarks' own files resolve it. */
function pkgVersion(name: string): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const p = join(dir, 'package.json');
      if (existsSync(p)) {
        const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (j.name === name) return j.version ?? '?';
      }
      const up = dirname(dir);
      if (up === dir) return '?';
      dir = up;
    }
  } catch {
    return 'not installed';
  }
}

/** Package → version, for the report's "Versions" line; backprop's names the commit of `root`. */
export async function versions(root: string): Promise<Record<string, string>> {
  return {
    '@backprop/core': `${pkgVersion('@backprop/core')} (workspace source, ${await gitInfo(root)})`,
    '@tensorflow/tfjs': pkgVersion('@tensorflow/tfjs'),
    '@tensorflow/tfjs-backend-wasm': pkgVersion('@tensorflow/tfjs-backend-wasm'),
    '@jax-js/jax': pkgVersion('@jax-js/jax'),
    'brain.js': pkgVersion('brain.js'),
    'gpu.js (brain.js dependency, unused: CPU only)': pkgVersion('gpu.js'),
    benchmark: pkgVersion('benchmark'),
    tsx: pkgVersion('tsx'),
  };
}

/** This machine in a line: CPU, cores, memory, OS. */
export function machine(): { machine: string; cores: number } {
  const cpus = os.cpus();
  return {
    machine:
      `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} (${os.arch()})`,
    cores: cpus.length,
  };
}

/** The 1-minute load average. */
export const load = (): number => os.loadavg()[0] ?? 0;
