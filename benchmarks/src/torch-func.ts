// Workload P for PyTorch (torch.func, as functorch in Debian's PyTorch 1.13): runs
// benchmarks/python/per_sample_torch.py under /usr/bin/python3 at one thread on B's network and
// first batch, the same numbers per-sample.ts gives backprop. Usage: tsx benchmarks/src/torch-func.ts P [--quick]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allBatches, childArgs, emit, guard, specB } from './common.js';

const LIB = 'torch.func';
const { workload, quick } = childArgs();

await guard(LIB, workload, () => {
  if (workload !== 'P') throw new Error(`torch-func.ts has no workload ${workload}`);
  const spec = specB(quick);
  const [x, y] = allBatches(spec)[0] as [Float64Array, Float64Array];
  const input = JSON.stringify({
    batch: spec.batch,
    seconds: quick ? 0.5 : 4,
    params: spec.init.flatMap((l) => [
      { shape: [l.inSize, l.outSize], values: Array.from(l.w) },
      { shape: [l.outSize], values: Array.from(l.b) },
    ]),
    x: Array.from(x),
    y: Array.from(y),
  });
  const script = join(import.meta.dirname, '..', 'python', 'per_sample_torch.py');
  const r = spawnSync('/usr/bin/python3', [script], { input, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `/usr/bin/python3 ${script} failed (needs python3-torch): ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`,
    );
  }
  for (const line of r.stdout.trim().split('\n')) {
    const o = JSON.parse(line) as {
      variant: string;
      median: number;
      samples: number;
      maxAbsDiffFromLoop: number;
      torch: string;
    };
    emit({
      lib: LIB,
      workload: 'P',
      variant: o.variant,
      metric: 'samples/s',
      value: spec.batch / o.median,
      method: `timed loop (median of ${o.samples} calls)`,
      extra: {
        msPerBatch: o.median * 1e3,
        maxAbsDiffFromLoop: o.maxAbsDiffFromLoop,
        torch: o.torch,
      },
    });
  }
});
