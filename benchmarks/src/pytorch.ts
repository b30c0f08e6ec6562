// PyTorch CPU at one thread, for B (the user's step: zero_grad, MSELoss, backward, SGD step,
// item). Runs benchmarks/src/pytorch.py with Debian's /usr/bin/python3 (python3-torch), handing it
// the same workload as everyone else; where that Python has no torch, the row says so.
// Usage: tsx benchmarks/src/pytorch.ts B [--quick] [--dtype=float32|float64]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  childArgs,
  dtypesToRun,
  emitTrain,
  guard,
  rme,
  specB,
  type TrainResult,
} from './common.js';

const LIB = 'pytorch';
const PYTHON = '/usr/bin/python3';
const { workload, quick, dtype: onlyDtype } = childArgs();

await guard(LIB, workload, () => {
  if (workload !== 'B') throw new Error(`pytorch has no workload ${workload} (B only)`);
  const probe = existsSync(PYTHON)
    ? spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' })
    : undefined;
  if (probe?.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import torch, so PyTorch was not run (install it: apt-get update && apt-get install -y python3-torch)`,
    );
  }
  const spec = specB(quick);
  for (const dtype of dtypesToRun(onlyDtype)) {
    const job = JSON.stringify({
      dtype,
      spec: {
        ...spec,
        x: Array.from(spec.x),
        y: Array.from(spec.y),
        init: spec.init.map((l) => ({ ...l, w: Array.from(l.w), b: Array.from(l.b) })),
      },
    });
    const run = spawnSync(PYTHON, [fileURLToPath(new URL('pytorch.py', import.meta.url))], {
      input: job,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    if (run.status !== 0)
      throw new Error(`pytorch.py failed: ${run.stderr.trim().split('\n').at(-1)}`);
    const o = JSON.parse(run.stdout) as {
      timedSteps: number;
      seconds: number;
      rates: number[];
      firstLoss: number;
      lastLoss: number;
      lastEpochLoss: number;
      warmupThrowawaySteps: number;
      warmupSeconds: number;
      version: string;
      threads: number;
    };
    const r: TrainResult = {
      seconds: o.seconds,
      stepsPerSecond: o.timedSteps / o.seconds,
      samplesPerSecond: (o.timedSteps / o.seconds) * spec.batch,
      rme: rme(o.rates),
      firstLoss: o.firstLoss,
      lastLoss: o.lastLoss,
      lastEpochLoss: o.lastEpochLoss,
      totalSteps: spec.warmupSteps + spec.steps,
      timedSteps: o.timedSteps,
      warmupThrowawaySteps: o.warmupThrowawaySteps,
      warmupSeconds: o.warmupSeconds,
    };
    emitTrain(
      LIB,
      spec,
      `${dtype}, ${o.threads} thread`,
      r,
      `PyTorch ${o.version} CPU (Debian python3-torch), eager, torch.set_num_threads(1)`,
    );
  }
});
