// One benchmark process: starts a library's file under tsx, waits for it, and reads the results
// it printed (the `BENCH_RESULT` lines of common.ts) or why it failed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BenchResult } from './common.js';
import { RESULT_TAG } from './common.js';
import type { Job } from './plan.js';

export interface ChildOutcome {
  results: BenchResult[];
  errors: string[];
  seconds: number;
}

/**
 * Runs `job` from the checkout at `root`: its benchmarks/src/<lib file>, with that checkout's
 * benchmarks/ as the working directory, so the file imports that checkout's packages.
 */
export function runChild(job: Job, quick: boolean, root: string): Promise<ChildOutcome> {
  const benchDir = join(root, 'benchmarks');
  const args = [
    createRequire(import.meta.url).resolve('tsx/cli'),
    ...job.mode.node, // tsx hands Node's flags on to the process it starts
    '--expose-gc',
    '--conditions=@backprop/source',
    join(benchDir, 'src', job.lib.file),
    job.workload,
    ...(quick ? ['--quick'] : []),
    ...(job.dtype ? [`--dtype=${job.dtype}`] : []),
    ...job.mode.child,
  ];
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, {
      cwd: benchDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), (quick ? 180 : 900) * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      const results: BenchResult[] = [];
      const errors: string[] = [];
      for (const line of out.split('\n')) {
        if (!line.startsWith(RESULT_TAG)) continue;
        const r = JSON.parse(line.slice(RESULT_TAG.length)) as BenchResult & { error?: string };
        if (r.error) errors.push(r.error);
        else results.push(r);
      }
      if (code !== 0 && errors.length === 0) {
        const lines = err.split('\n').map((l) => l.trim());
        const tail =
          lines.find((l) => /^\w*Error\b|^error|Error:/.test(l)) ??
          lines
            .filter((l) => l !== '')
            .slice(-3)
            .join(' | ');
        errors.push(signal ? `killed by ${signal} (time limit)` : `exit code ${code}: ${tail}`);
      }
      done({ results, errors, seconds: (performance.now() - t0) / 1000 });
    });
  });
}
