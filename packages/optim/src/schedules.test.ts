// Learning-rate schedules: their closed forms at chosen epochs, option checks, and checkpoints.
// (Whole lr sequences against PyTorch are in torch-optim.test.ts.)
import { tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type PlateauState,
  ReduceLROnPlateau,
  type SchedulerState,
  StepLR,
} from './schedules.js';
import { SGD } from './sgd.js';

// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options
type Options = any;

/** An optimiser with one group per lr. */
function optimizer(...lrs: number[]): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr })),
    { lr: 1 },
  );
}

function stepTimes(schedule: { step(): void }, n: number): void {
  for (let k = 0; k < n; k++) schedule.step();
}

describe('epoch-based schedules', () => {
  it('StepLR multiplies lr by γ every stepSize epochs, per group', () => {
    const opt = optimizer(0.1, 1);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect(s.lastLr).toEqual([0.1, 1]);
    stepTimes(s, 5);
    expect(s.lastEpoch).toBe(5);
    expect(s.lastLr).toEqual([0.1 * 0.25, 0.25]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(s.lastLr);
  });

  it('ExponentialLR gives base · γ^epoch', () => {
    const s = new ExponentialLR(optimizer(2), { gamma: 0.5 });
    stepTimes(s, 3);
    expect(s.lastLr).toEqual([0.25]);
  });

  it('CosineAnnealingLR reaches etaMin at tMax, half-way at tMax/2, and rises after', () => {
    const s = new CosineAnnealingLR(optimizer(0.1), { tMax: 10, etaMin: 0.02 });
    stepTimes(s, 5);
    expect(s.lastLr[0]).toBeCloseTo(0.06, 15);
    stepTimes(s, 5);
    expect(s.lastLr[0]).toBeCloseTo(0.02, 15);
    s.step();
    expect(s.lastLr[0]).toBeGreaterThan(0.02);
  });

  it('CosineAnnealingLR with etaMin 0 sets lr to exactly 0 at tMax, and the optimiser still steps', () => {
    const opt = optimizer(0.1);
    const s = new CosineAnnealingLR(opt, { tMax: 2 });
    stepTimes(s, 2);
    expect(s.lastLr).toEqual([0]);
    const p = opt.paramGroups[0]!.params[0]!;
    p.grad = tensor([1]);
    opt.step();
    expect(p.data[0]).toBe(0);
  });

  it('LinearLR warms up from startFactor · base at construction to base after totalIters', () => {
    const s = new LinearLR(optimizer(1), { startFactor: 0.25, totalIters: 3 });
    expect(s.lastLr).toEqual([0.25]);
    s.step();
    expect(s.lastLr).toEqual([0.5]);
    stepTimes(s, 2);
    expect(s.lastLr).toEqual([1]);
    stepTimes(s, 10);
    expect(s.lastLr).toEqual([1]);
  });

  it('works with any optimiser, changing the lr its steps use', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.1 });
    s.step();
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.01, 17);
  });

  it('saves and restores its epoch and base lrs', () => {
    const s = new StepLR(optimizer(0.1, 0.2), { stepSize: 2, gamma: 0.5 });
    stepTimes(s, 3);
    const saved = JSON.parse(JSON.stringify(s.state())) as SchedulerState;
    const opt = optimizer(0.1, 0.2);
    const resumed = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    resumed.loadState(saved);
    expect(resumed.lastEpoch).toBe(3);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(s.lastLr);
    s.step();
    resumed.step();
    expect(resumed.lastLr).toEqual(s.lastLr);
    expect(() => resumed.loadState({ ...saved, scheduler: 'LinearLR' })).toThrow(
      /StepLR.loadState\(\): the snapshot is of "LinearLR", not StepLR/,
    );
    expect(() => resumed.loadState({ ...saved, baseLrs: [0.1] })).toThrow(
      /the snapshot has 1 base lr\(s\); the optimiser has 2 group\(s\)/,
    );
    expect(() => resumed.loadState({ ...saved, lastEpoch: -1 })).toThrow(
      /lastEpoch must be an integer ≥ 0, got -1/,
    );
  });

  const bad: [string, () => unknown, RegExp][] = [
    [
      'StepLR stepSize 0',
      () => new StepLR(optimizer(1), { stepSize: 0 }),
      /StepLR: stepSize must be an integer ≥ 1, got 0/,
    ],
    [
      'StepLR stepSize 1.5',
      () => new StepLR(optimizer(1), { stepSize: 1.5 }),
      /stepSize must be an integer ≥ 1, got 1.5/,
    ],
    [
      'StepLR gamma 0',
      () => new StepLR(optimizer(1), { stepSize: 1, gamma: 0 }),
      /StepLR: gamma must be > 0, got 0/,
    ],
    [
      'StepLR unknown option',
      () => new StepLR(optimizer(1), { stepSize: 1, step_size: 2 } as Options),
      /StepLR: unknown option "step_size" \(did you mean "stepSize"\?\); it takes stepSize, gamma/,
    ],
    [
      'ExponentialLR without gamma',
      () => new ExponentialLR(optimizer(1), {} as Options),
      /ExponentialLR: gamma must be a finite number, got undefined/,
    ],
    [
      'CosineAnnealingLR tMax 0',
      () => new CosineAnnealingLR(optimizer(1), { tMax: 0 }),
      /tMax must be an integer ≥ 1, got 0/,
    ],
    [
      'CosineAnnealingLR etaMin < 0',
      () => new CosineAnnealingLR(optimizer(1), { tMax: 3, etaMin: -1 }),
      /etaMin must be ≥ 0, got -1/,
    ],
    [
      'LinearLR startFactor 0',
      () => new LinearLR(optimizer(1), { startFactor: 0 }),
      /LinearLR: startFactor must be in \(0, 1\], got 0/,
    ],
    [
      'LinearLR endFactor > 1',
      () => new LinearLR(optimizer(1), { endFactor: 1.5 }),
      /endFactor must be in \[0, 1\], got 1.5/,
    ],
    [
      'LinearLR totalIters 0',
      () => new LinearLR(optimizer(1), { totalIters: 0 }),
      /totalIters must be an integer ≥ 1/,
    ],
    [
      'not an optimiser',
      () => new StepLR({ paramGroups: [] } as Options, { stepSize: 1 }),
      /StepLR: expected an optimiser \(SGD, Adam, …\), got an object/,
    ],
  ];
  for (const [name, make, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }
});

describe('ReduceLROnPlateau', () => {
  it('reduces lr after more than `patience` epochs without improvement, down to minLr', () => {
    const opt = optimizer(1, 0.1);
    const s = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, minLr: [0, 0.08] });
    for (const loss of [1, 0.5, 0.6]) s.step(loss);
    expect(s.lastLr).toEqual([1, 0.1]); // one bad epoch: within patience
    s.step(0.7);
    expect(s.lastLr).toEqual([0.5, 0.08]);
    expect(s.numBadEpochs).toBe(0);
    expect(s.best).toBe(0.5);
  });

  it('takes a one-element tensor as the metric, and refuses NaN', () => {
    const s = new ReduceLROnPlateau(optimizer(1), { mode: 'max', patience: 0 });
    s.step(tensor(0.5));
    expect(s.best).toBe(0.5);
    expect(() => s.step(NaN)).toThrow(
      /ReduceLROnPlateau.step\(\): the metric must be a number, got NaN/,
    );
    expect(() => s.step('0.5' as Options)).toThrow(/got "0.5"/);
  });

  it('saves and restores its counters as JSON', () => {
    const s = new ReduceLROnPlateau(optimizer(1), { patience: 2, cooldown: 1 });
    expect(s.state().best).toBeNull();
    for (const loss of [1, 0.9, 0.95]) s.step(loss);
    const saved = JSON.parse(JSON.stringify(s.state())) as PlateauState;
    expect(saved).toEqual({
      scheduler: 'ReduceLROnPlateau',
      lastEpoch: 3,
      best: 0.9,
      numBadEpochs: 1,
      cooldownCounter: 0,
    });
    const resumed = new ReduceLROnPlateau(optimizer(1), { patience: 2, cooldown: 1 });
    resumed.loadState(saved);
    for (const loss of [0.95, 0.95]) {
      s.step(loss);
      resumed.step(loss);
    }
    expect(resumed.lastLr).toEqual(s.lastLr);
    expect(resumed.lastLr).toEqual([0.1]);
    expect(() => resumed.loadState({ ...saved, numBadEpochs: 0.5 })).toThrow(
      /numBadEpochs must be an integer ≥ 0, got 0.5/,
    );
  });

  it("has PyTorch's defaults, which an option given as undefined keeps", () => {
    for (const options of [{}, { factor: undefined, minLr: undefined } as Options]) {
      const s = new ReduceLROnPlateau(optimizer(1, 1), options);
      expect([s.mode, s.factor, s.patience, s.threshold, s.thresholdMode]).toEqual([
        'min',
        0.1,
        10,
        1e-4,
        'rel',
      ]);
      expect([s.cooldown, s.minLrs, s.eps]).toEqual([0, [0, 0], 1e-8]);
    }
    expect(() => new ReduceLROnPlateau(optimizer(1), { min_lr: 0 } as Options)).toThrow(
      'ReduceLROnPlateau: unknown option "min_lr" (did you mean "minLr"?); it takes mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps',
    );
  });

  const bad: [string, Options, RegExp][] = [
    ['mode', { mode: 'avg' }, /mode must be 'min' or 'max', got "avg"/],
    ['thresholdMode', { thresholdMode: 'pct' }, /thresholdMode must be 'rel' or 'abs'/],
    ['factor 1', { factor: 1 }, /factor must be in \[0, 1\), got 1/],
    ['patience -1', { patience: -1 }, /patience must be an integer ≥ 0, got -1/],
    ['cooldown 0.5', { cooldown: 0.5 }, /cooldown must be an integer ≥ 0, got 0.5/],
    ['threshold < 0', { threshold: -0.1 }, /threshold must be ≥ 0/],
    [
      'minLr per group of the wrong length',
      { minLr: [0, 0, 0] },
      /minLr has 3 value\(s\); the optimiser has 2 group\(s\)/,
    ],
    ['minLr < 0', { minLr: [0, -1] }, /minLr\[1\] must be ≥ 0, got -1/],
    ['an unknown option', { min_lr: 0 }, /unknown option "min_lr"/],
  ];
  for (const [name, options, message] of bad) {
    it(`refuses a bad ${name}`, () => {
      const make = () => new ReduceLROnPlateau(optimizer(1, 1), options);
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }
});
