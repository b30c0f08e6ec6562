// Golden numbers from PyTorch 1.13's torch.optim, in float64: every case of
// ../fixtures/torch-optim.json replays the same gradients through backprop's optimiser and must
// give the same parameters after every step to 1e-12, the same lr sequence for every schedule, and
// the same clipped gradients. The JSON is committed; the test needs no Python. To regenerate:
//   /usr/bin/python3 packages/optim/fixtures/torch_optim.py
import { type DType, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-optim.json' with { type: 'json' };
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm, clipGradValue } from './clip.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  ReduceLROnPlateau,
  StepLR,
} from './schedules.js';
import { SGD } from './sgd.js';

const TOLERANCE = 1e-12;

// biome-ignore lint/suspicious/noExplicitAny: options come from JSON
type Options = any;
// biome-ignore lint/suspicious/noExplicitAny: every optimiser
type AnyOptimizer = Optimizer<any>;

interface OptimizerCase {
  name: string;
  optimizer: string;
  options: Options;
  groups?: ({ params: number[] } & Options)[];
  schedule?: { type: string; options: Options };
  after: number[][][];
}

const OPTIMIZERS: Record<string, new (params: Options, options: Options) => AnyOptimizer> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
};

const SCHEDULES: Record<string, (opt: AnyOptimizer, options: Options) => LRScheduler> = {
  StepLR: (opt, o) => new StepLR(opt, o),
  ExponentialLR: (opt, o) => new ExponentialLR(opt, o),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o),
  LinearLR: (opt, o) => new LinearLR(opt, o),
};

function makeParams(dtype: DType = 'float64'): Tensor[] {
  return fixture.params.map((p) => tensor(p.values, { shape: p.shape, dtype, requiresGrad: true }));
}

function setGrads(params: Tensor[], step: number): void {
  params.forEach((p, i) => {
    const g = fixture.grads[step]?.[i];
    p.grad = g == null ? null : tensor(g, { shape: p.shape, dtype: p.dtype });
  });
}

function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  return worst;
}

/** Runs a fixture case; returns the largest difference from PyTorch over all steps and parameters. */
function replay(c: OptimizerCase, dtype: DType = 'float64'): { params: Tensor[]; error: number } {
  const params = makeParams(dtype);
  const spec = c.groups
    ? c.groups.map(({ params: idx, ...o }) => ({ params: idx.map((i: number) => params[i]), ...o }))
    : params;
  const opt = new (OPTIMIZERS[c.optimizer] as (typeof OPTIMIZERS)['SGD'])(spec, c.options);
  const schedule = c.schedule
    ? (SCHEDULES[c.schedule.type] as (typeof SCHEDULES)['StepLR'])(opt, c.schedule.options)
    : null;
  let error = 0;
  c.after.forEach((expected, step) => {
    setGrads(params, step);
    opt.step();
    schedule?.step();
    params.forEach((p, i) => {
      error = Math.max(error, maxAbsDiff(p.data, expected[i] as number[]));
    });
  });
  return { params, error };
}

describe('optimisers equal torch.optim (float64, 6 steps, fixture torch-optim.json)', () => {
  const cases = fixture.optimizers as OptimizerCase[];

  it('covers every optimiser class', () => {
    expect(new Set(cases.map((c) => c.optimizer))).toEqual(new Set(Object.keys(OPTIMIZERS)));
  });

  for (const c of cases) {
    it(c.name, () => {
      const { error } = replay(c);
      expect(error).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('keeps float32 parameters in float32 and stays within float32 rounding of PyTorch', () => {
    const { params, error } = replay(fixture.float32 as OptimizerCase, 'float32');
    for (const p of params) expect(p.data).toBeInstanceOf(Float32Array);
    // PyTorch rounds every intermediate to float32, backprop only what it stores
    expect(error).toBeLessThan(1e-6);
  });
});

describe('learning-rate schedules equal torch.optim.lr_scheduler', () => {
  for (const c of fixture.schedules) {
    it(c.name, () => {
      const params = c.initialLrs.map(() => tensor([0], { requiresGrad: true }));
      const opt = new SGD(
        params.map((p, i) => ({ params: [p], lr: c.initialLrs[i] as number })),
        { lr: 1 },
      );
      const lrs: number[][] = [];
      if (c.type === 'ReduceLROnPlateau') {
        const plateau = new ReduceLROnPlateau(opt, c.options as Options);
        lrs.push(plateau.lastLr);
        for (const m of c.metrics ?? []) {
          plateau.step(m);
          lrs.push(plateau.lastLr);
        }
      } else {
        const schedule = (SCHEDULES[c.type] as (typeof SCHEDULES)['StepLR'])(opt, c.options);
        lrs.push(schedule.lastLr);
        for (let k = 1; k < c.lrs.length; k++) {
          schedule.step();
          lrs.push(schedule.lastLr);
        }
      }
      expect(lrs.length).toBe(c.lrs.length);
      const error = Math.max(...lrs.map((row, k) => maxAbsDiff(row, c.lrs[k] as number[])));
      // PyTorch updates lr recursively (lr ← lr · γ), backprop by the closed form: rounding differs
      expect(error).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

describe('gradient clipping equals torch.nn.utils', () => {
  function paramsWithGrads(): Tensor[] {
    const params = makeParams();
    setGrads(params, 3); // parameter 2 has no gradient at step 3
    return params;
  }

  for (const c of fixture.clipNorm) {
    it(`clip_grad_norm_ ${c.name}`, () => {
      const params = paramsWithGrads();
      const normType = c.normType === 'inf' ? Infinity : (c.normType as number);
      const total = clipGradNorm(params, c.maxNorm, normType);
      expect(Math.abs(total - c.total)).toBeLessThanOrEqual(TOLERANCE);
      params.forEach((p, i) => {
        const expected = c.after[i];
        if (expected == null) expect(p.grad).toBeNull();
        else expect(maxAbsDiff((p.grad as Tensor).data, expected)).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  }

  for (const c of fixture.clipValue) {
    it(`clip_grad_value_ ${c.name}`, () => {
      const params = paramsWithGrads();
      clipGradValue(params, c.clipValue);
      params.forEach((p, i) => {
        const expected = c.after[i];
        if (expected == null) expect(p.grad).toBeNull();
        else expect(maxAbsDiff((p.grad as Tensor).data, expected)).toBe(0);
      });
    });
  }
});
