// Load speed of a large model file, in MB/s: a Sequential of 32,000 Linear(1, 1) (about 4 MB) and
// an MLP of 16,000 hidden layers of width 1. Loading is linear in the file's size, so MB/s is the
// figure to compare (docs/performance.md). Run: pnpm --filter @backprop/layers bench:load
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, MLP, Sequential } from '@backprop/layers';
import { load, save } from '@backprop/layers/node';

const cases = [
  {
    name: 'Sequential of 32,000 Linear(1, 1)',
    make: () =>
      new Sequential(...Array.from({ length: 32_000 }, (_, i) => new Linear(1, 1, { seed: i }))),
  },
  {
    name: 'MLP with 16,000 hidden layers of 1',
    make: () => new MLP({ inputs: 1, hidden: Array(16_000).fill(1), outputs: 1, seed: 0 }),
  },
];

const dir = await mkdtemp(join(tmpdir(), 'bench-load-'));
try {
  for (const { name, make } of cases) {
    const file = join(dir, 'model.json');
    await save(make(), file);
    const mb = (await stat(file)).size / 1e6;
    await load(file); // warm-up
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await load(file);
      times.push((performance.now() - t0) / 1000);
    }
    const best = Math.min(...times);
    console.log(
      `${name}: ${mb.toFixed(2)} MB, load ${best.toFixed(3)} s (best of 3), ${(mb / best).toFixed(1)} MB/s`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
