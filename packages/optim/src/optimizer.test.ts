// The Optimizer contract shared by every algorithm: construction checks, parameter groups, skipping
// parameters without a gradient, in-place updates, float32, and checkpoints (state / loadState).
import {
  GradError,
  type NestedArray,
  ShapeError,
  type Tensor,
  type TypedArray,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-optim.json' with { type: 'json' };
// the public API, as users import it
import {
  Adagrad,
  Adam,
  AdamW,
  buffer,
  Optimizer,
  type OptimizerState,
  type ParamState,
  type Params,
  RMSprop,
  SGD,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: every optimiser
type AnyOptimizer = Optimizer<any>;
// biome-ignore lint/suspicious/noExplicitAny: options of any optimiser, some deliberately wrong
type Options = any;

const param = (values: NestedArray, dtype: 'float32' | 'float64' = 'float64') =>
  tensor(values, { requiresGrad: true, dtype });

/** The fixture's parameters (shapes [2, 3], [4], []), fresh copies. */
function fixtureParams(dtype: 'float32' | 'float64' = 'float64'): Tensor[] {
  return fixture.params.map((p) => tensor(p.values, { shape: p.shape, dtype, requiresGrad: true }));
}

/** Sets the fixture's gradients of `step` (parameter 2 has none at step 3). */
function setGrads(params: Tensor[], step: number): void {
  params.forEach((p, i) => {
    const g = fixture.grads[step]?.[i];
    p.grad = g == null ? null : tensor(g, { shape: p.shape, dtype: p.dtype });
  });
}

describe('constructing an optimiser', () => {
  it('names the parameter that does not require grad', () => {
    const a = param([1, 2]);
    const b = tensor([3, 4]);
    expect(() => new SGD([a, b], { lr: 0.1 })).toThrow(GradError);
    expect(() => new SGD([a, b], { lr: 0.1 })).toThrow(
      /SGD: parameter 1 \(shape \[2\]\) does not require grad/,
    );
    expect(() => new Adam([{ params: [a] }, { params: [param(0), b] }])).toThrow(
      /Adam: parameter 2 \(group 1, index 1\) \(shape \[2\]\) does not require grad/,
    );
  });

  it('refuses a computed tensor, a parameter given twice, an empty list and a mixed list', () => {
    const a = param([1, 2]);
    expect(() => new SGD([a.mul(2)], { lr: 0.1 })).toThrow(
      /parameter 0 was computed by mul; only leaf/,
    );
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(
      /parameter 1 is the same tensor as parameter 0/,
    );
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(
      /parameter 1 \(group 1, index 0\) is the same tensor as parameter 0 \(group 0, index 0\)/,
    );
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty list of parameters/);
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(
      /SGD group 0: the group has no parameters/,
    );
    expect(() => new SGD([a, { params: [param(1)] }] as Options, { lr: 0.1 })).toThrow(
      /either only tensors or only groups/,
    );
    expect(() => new SGD(a as Options, { lr: 0.1 })).toThrow(/expected an array of parameters/);
  });

  it('refuses unknown options, naming the known ones', () => {
    expect(() => new SGD([param(1)], { lr: 0.1, learningRate: 0.1 } as Options)).toThrow(
      /SGD: unknown option "learningRate"; SGD takes lr, momentum, dampening, nesterov, weightDecay, maximize/,
    );
    expect(() => new Adam([{ params: [param(1)], beta1: 0.9 } as Options])).toThrow(
      /Adam group 0: unknown option "beta1"/,
    );
  });

  it('requires lr for SGD only', () => {
    expect(() => new SGD([param(1)], {} as Options)).toThrow(/SGD: option lr is required/);
    expect(new Adam([param(1)]).defaults.lr).toBe(1e-3);
  });

  const bad: [string, (o: Options) => AnyOptimizer, Options, RegExp][] = [
    ['SGD lr 0', (o) => new SGD([param(1)], o), { lr: 0 }, /SGD: lr must be > 0, got 0/],
    ['SGD lr < 0', (o) => new SGD([param(1)], o), { lr: -0.1 }, /lr must be > 0, got -0.1/],
    [
      'SGD lr NaN',
      (o) => new SGD([param(1)], o),
      { lr: NaN },
      /lr must be a finite number, got NaN/,
    ],
    ['SGD lr ∞', (o) => new SGD([param(1)], o), { lr: Infinity }, /lr must be a finite number/],
    [
      'SGD lr string',
      (o) => new SGD([param(1)], o),
      { lr: '0.1' },
      /lr must be a finite number, got "0.1"/,
    ],
    [
      'SGD momentum < 0',
      (o) => new SGD([param(1)], o),
      { lr: 1, momentum: -0.5 },
      /momentum must be ≥ 0, got -0.5/,
    ],
    [
      'SGD weightDecay < 0',
      (o) => new SGD([param(1)], o),
      { lr: 1, weightDecay: -1 },
      /weightDecay must be ≥ 0/,
    ],
    [
      'SGD nesterov without momentum',
      (o) => new SGD([param(1)], o),
      { lr: 1, nesterov: true },
      /nesterov needs momentum > 0 and dampening = 0, got momentum 0/,
    ],
    [
      'SGD nesterov with dampening',
      (o) => new SGD([param(1)], o),
      { lr: 1, nesterov: true, momentum: 0.9, dampening: 0.1 },
      /nesterov needs .* dampening 0.1/,
    ],
    [
      'SGD nesterov not boolean',
      (o) => new SGD([param(1)], o),
      { lr: 1, nesterov: 1 },
      /nesterov must be true or false, got 1/,
    ],
    ['Adam lr 0', (o) => new Adam([param(1)], o), { lr: 0 }, /Adam: lr must be > 0/],
    [
      'Adam beta1 = 1',
      (o) => new Adam([param(1)], o),
      { betas: [1, 0.999] },
      /betas\[0\] must be in \[0, 1\), got 1/,
    ],
    [
      'Adam beta2 < 0',
      (o) => new Adam([param(1)], o),
      { betas: [0.9, -0.1] },
      /betas\[1\] must be in \[0, 1\), got -0.1/,
    ],
    [
      'Adam betas not a pair',
      (o) => new Adam([param(1)], o),
      { betas: [0.9] },
      /betas must be a pair \[β₁, β₂\], got an array of length 1/,
    ],
    ['Adam eps 0', (o) => new Adam([param(1)], o), { eps: 0 }, /eps must be > 0, got 0/],
    [
      'Adam weightDecay < 0',
      (o) => new Adam([param(1)], o),
      { weightDecay: -0.01 },
      /weightDecay must be ≥ 0/,
    ],
    [
      'AdamW beta1 > 1',
      (o) => new AdamW([param(1)], o),
      { betas: [1.5, 0.9] },
      /AdamW: betas\[0\] must be in \[0, 1\)/,
    ],
    ['AdamW eps < 0', (o) => new AdamW([param(1)], o), { eps: -1e-8 }, /AdamW: eps must be > 0/],
    [
      'RMSprop alpha > 1',
      (o) => new RMSprop([param(1)], o),
      { alpha: 1.5 },
      /RMSprop: alpha must be in \[0, 1\], got 1.5/,
    ],
    ['RMSprop eps 0', (o) => new RMSprop([param(1)], o), { eps: 0 }, /eps must be > 0/],
    [
      'RMSprop momentum < 0',
      (o) => new RMSprop([param(1)], o),
      { momentum: -0.9 },
      /momentum must be ≥ 0/,
    ],
    ['RMSprop lr < 0', (o) => new RMSprop([param(1)], o), { lr: -1 }, /lr must be > 0/],
    [
      'Adagrad lrDecay < 0',
      (o) => new Adagrad([param(1)], o),
      { lrDecay: -1 },
      /Adagrad: lrDecay must be ≥ 0/,
    ],
    [
      'Adagrad initialAccumulatorValue < 0',
      (o) => new Adagrad([param(1)], o),
      { initialAccumulatorValue: -0.1 },
      /initialAccumulatorValue must be ≥ 0/,
    ],
    ['Adagrad eps 0', (o) => new Adagrad([param(1)], o), { eps: 0 }, /eps must be > 0/],
  ];
  for (const [name, make, options, message] of bad) {
    it(`refuses bad options: ${name}`, () => {
      expect(() => make(options)).toThrow(ValueError);
      expect(() => make(options)).toThrow(message);
    });
  }

  it('checks each group with its own options, naming the group', () => {
    expect(
      () => new SGD([{ params: [param(1)] }, { params: [param(2)], lr: -1 }], { lr: 0.1 }),
    ).toThrow(/SGD group 1: lr must be > 0, got -1/);
    expect(
      () => new SGD([{ params: [param(1)], momentum: 0.9, nesterov: true }], { lr: 0.1 }),
    ).not.toThrow();
  });

  it('fills in PyTorch 1.13 defaults', () => {
    const p = [param(1)];
    expect(new Adam(p).paramGroups[0]).toMatchObject({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(new AdamW(p).paramGroups[0]?.weightDecay).toBe(1e-2);
    expect(new RMSprop(p).paramGroups[0]).toMatchObject({
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      momentum: 0,
      centered: false,
    });
    expect(new Adagrad(p).paramGroups[0]).toMatchObject({ lr: 1e-2, lrDecay: 0, eps: 1e-10 });
    expect(new SGD(p, { lr: 0.5 }).paramGroups[0]).toMatchObject({
      lr: 0.5,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
      maximize: false,
    });
  });
});

describe('stepping', () => {
  it('writes θ ← θ − ηg into the parameter tensor in place', () => {
    const p = param([1, 2, 3]);
    const data = p.data;
    const view = p.detach(); // shares the data
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = tensor([1, -2, 0.5]);
    opt.step();
    expect(p.data).toBe(data);
    expect(Array.from(p.data)).toEqual([0.5, 3, 2.75]);
    expect(Array.from(view.data)).toEqual([0.5, 3, 2.75]);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
  });

  it("takes Adam's first step of size ≈ lr in every coordinate (bias correction)", () => {
    // m̂₁ = g and v̂₁ = g², so the first step is η·g/(|g| + ε) whatever the scale of g
    const p = param([0, 0, 0]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = tensor([1e-3, -5, 200]);
    opt.step();
    [1e-3, -5, 200].forEach((g, i) => {
      const expected = (-0.01 * g) / (Math.abs(g) + 1e-8); // −0.01, 0.01, −0.01 but for ε
      expect(Math.abs((p.data[i] as number) - expected)).toBeLessThan(1e-17);
    });
  });

  it('skips parameters whose grad is null and keeps no state for them', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(b.data)).toEqual([3]);
    const s = opt.state();
    expect(s.state[0]?.step).toBe(1);
    expect(s.state[1]).toBeNull();
  });

  it('zeroGrad sets every grad to null', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('refuses a gradient of the wrong shape, naming the parameter', () => {
    const a = param([1, 2]);
    const b = param([[1, 2, 3]]);
    const opt = new SGD([a, b], { lr: 0.1 });
    b.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(ShapeError);
    expect(() => opt.step()).toThrow(
      /SGD.step\(\): parameter 1 has shape \[1, 3\] but its gradient has shape \[3\]/,
    );
  });

  it('uses a changed group lr from the next step, and allows lr 0 once training runs', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.01 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.01]);
    opt.paramGroups[0]!.lr = 0.5;
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.data[0]).toBe(0.5);
    expect(b.data[0]).toBe(0.99);
    opt.paramGroups[1]!.lr = 0; // a cosine schedule ends at etaMin = 0
    opt.step();
    expect(b.data[0]).toBe(0.99);
    opt.paramGroups[1]!.lr = -1;
    expect(() => opt.step()).toThrow(/SGD.step\(\) group 1: lr must be ≥ 0, got -1/);
  });

  it('keeps float32 parameters and buffers in float32', () => {
    const p = param([0.1, 0.2, 0.3], 'float32');
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    p.grad = tensor([0.3, -0.2, 0.1], { dtype: 'float32' });
    opt.step();
    opt.step();
    expect(p.data).toBeInstanceOf(Float32Array);
    const s = opt.state().state[0]!;
    for (const values of Object.values(s.buffers)) {
      for (const v of values) expect(Math.fround(v)).toBe(v);
    }
  });

  const minimisers: [string, (p: Tensor[]) => AnyOptimizer, number][] = [
    ['SGD', (p) => new SGD(p, { lr: 0.1 }), 100],
    [
      'SGD with Nesterov momentum',
      (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }),
      200,
    ],
    ['Adam', (p) => new Adam(p, { lr: 0.1 }), 300],
    ['AdamW', (p) => new AdamW(p, { lr: 0.1, weightDecay: 0 }), 300],
    ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }), 500],
    ['Adagrad', (p) => new Adagrad(p, { lr: 0.5 }), 500],
  ];
  for (const [name, make, steps] of minimisers) {
    it(`${name} minimises a quadratic with gradients from backward()`, () => {
      const target = tensor([1, -2, 0.5]);
      const x = param([0, 0, 0]);
      const opt = make([x]);
      for (let k = 0; k < steps; k++) {
        opt.zeroGrad();
        x.sub(target).square().sum().backward();
        opt.step();
      }
      x.data.forEach((v, i) => {
        expect(Math.abs(v - (target.data[i] as number))).toBeLessThan(1e-2);
      });
    });
  }
});

describe('state() and loadState()', () => {
  const configs: [string, (p: Tensor[]) => AnyOptimizer][] = [
    [
      'SGD nesterov + weight decay',
      (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    ],
    ['SGD dampening', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.3 })],
    ['Adam amsgrad', (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (p) => new AdamW(p, { lr: 0.02 })],
    ['RMSprop centred with momentum', (p) => new RMSprop(p, { centered: true, momentum: 0.5 })],
    [
      'Adagrad with lr decay',
      (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.3 }),
    ],
    [
      'SGD groups',
      (p) =>
        new SGD([{ params: [p[0]!] }, { params: [p[1]!, p[2]!], lr: 0.01, momentum: 0.5 }], {
          lr: 0.1,
          momentum: 0.9,
        }),
    ],
  ];

  for (const [name, make] of configs) {
    it(`${name}: 3 steps, a JSON checkpoint, 3 more on a fresh optimiser = 6 straight steps`, () => {
      const straight = fixtureParams();
      const opt = make(straight);
      for (let k = 0; k < 6; k++) {
        setGrads(straight, k);
        opt.step();
      }

      const first = fixtureParams();
      const optFirst = make(first);
      for (let k = 0; k < 3; k++) {
        setGrads(first, k);
        optFirst.step();
      }
      const saved = JSON.stringify(optFirst.state());
      // the model's weights are saved separately: copy them into fresh parameters
      const resumed = first.map((p) => tensor(p, { requiresGrad: true }));
      const optResumed = make(resumed);
      optResumed.loadState(JSON.parse(saved) as OptimizerState);
      for (let k = 3; k < 6; k++) {
        setGrads(resumed, k);
        optResumed.step();
      }
      resumed.forEach((p, i) => {
        expect(Array.from(p.data)).toEqual(Array.from(straight[i]!.data));
      });
      expect(optResumed.state()).toEqual(opt.state());
    });
  }

  it('restores group options, lr included', () => {
    const opt = new SGD([{ params: [param(1)] }, { params: [param(2)], lr: 0.01 }], { lr: 0.1 });
    opt.paramGroups[1]!.lr = 0.005;
    const saved = opt.state();
    expect(saved.paramGroups.map((g) => [g.lr, g.params])).toEqual([
      [0.1, [0]],
      [0.005, [1]],
    ]);
    const other = new SGD([{ params: [param(1)] }, { params: [param(2)], lr: 0.01 }], { lr: 0.1 });
    other.loadState(saved);
    expect(other.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.005]);
  });

  it('gives copies: later steps do not change a snapshot', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1]);
    opt.step();
    const saved = opt.state();
    opt.step();
    expect(saved.state[0]?.buffers.momentumBuffer).toEqual([1, 1]);
    expect(saved.state[0]?.step).toBe(1);
  });

  it('loads a float64 snapshot into float32 parameters as float32 buffers', () => {
    const p64 = param([0.1, 0.2]);
    const opt64 = new Adam([p64]);
    p64.grad = tensor([0.3, 0.7]);
    opt64.step();
    const p32 = param([0.1, 0.2], 'float32');
    const opt32 = new Adam([p32]);
    opt32.loadState(opt64.state());
    const buffers = opt32.state().state[0]!.buffers;
    expect(buffers.expAvg).toEqual(Array.from(Float32Array.from([0.03, 0.07])));
  });

  function trained(): { opt: AnyOptimizer; saved: OptimizerState } {
    const params = [param([1, 2, 3]), param([[1], [2]])];
    const opt = new Adam(params, { lr: 0.1 });
    params[0]!.grad = tensor([1, 2, 3]);
    params[1]!.grad = tensor([[1], [-1]]);
    opt.step();
    return { opt, saved: opt.state() };
  }

  const mismatches: [
    string,
    (s: Options) => void,
    RegExp,
    typeof ValueError | typeof ShapeError,
  ][] = [
    [
      'another optimiser',
      (s) => {
        s.optimizer = 'SGD';
      },
      /Adam.loadState\(\): the snapshot is of "SGD", not Adam/,
      ValueError,
    ],
    [
      'another number of groups',
      (s) => {
        s.paramGroups.push({ ...s.paramGroups[0], params: [] });
      },
      /the snapshot has 2 parameter group\(s\); this optimiser has 1/,
      ValueError,
    ],
    [
      'another number of parameters in a group',
      (s) => {
        s.paramGroups[0].params.pop();
      },
      /group 0 of the snapshot has 1 parameter\(s\); this optimiser's has 2/,
      ValueError,
    ],
    [
      'state for another number of parameters',
      (s) => {
        s.state.push(null);
      },
      /the snapshot has state for 3 parameter\(s\); this optimiser has 2/,
      ValueError,
    ],
    [
      'another shape',
      (s) => {
        s.state[1].shape = [1, 2];
      },
      /parameter 1 has shape \[2, 1\] but the snapshot's has \[1, 2\]/,
      ShapeError,
    ],
    [
      'a buffer of another length',
      (s) => {
        s.state[0].buffers.expAvg.pop();
      },
      /buffer expAvg of parameter 0 has 2 values; the parameter has 3/,
      ShapeError,
    ],
    [
      'an unknown buffer',
      (s) => {
        s.state[0].buffers.momentumBuffer = [0, 0, 0];
      },
      /parameter 0 has an unknown buffer "momentumBuffer"; Adam keeps expAvg, expAvgSq, maxExpAvgSq/,
      ValueError,
    ],
    [
      'a non-number in a buffer',
      (s) => {
        s.state[0].buffers.expAvgSq[1] = null;
      },
      /buffer expAvgSq of parameter 0 holds null at index 1; expected numbers/,
      ValueError,
    ],
    [
      'a bad step count',
      (s) => {
        s.state[0].step = -1;
      },
      /parameter 0 has step -1; expected an integer ≥ 0/,
      ValueError,
    ],
    [
      'a bad option',
      (s) => {
        s.paramGroups[0].betas = [0.9, 1];
      },
      /Adam.loadState\(\) group 0: betas\[1\] must be in \[0, 1\), got 1/,
      ValueError,
    ],
    [
      'an unknown option',
      (s) => {
        s.paramGroups[0].momentum = 0.9;
      },
      /unknown option "momentum"/,
      ValueError,
    ],
  ];
  for (const [name, corrupt, message, errorClass] of mismatches) {
    it(`refuses a snapshot with ${name}, and changes nothing`, () => {
      const { opt, saved } = trained();
      const bad = JSON.parse(JSON.stringify(saved));
      corrupt(bad);
      opt.paramGroups[0]!.lr = 0.05;
      const before = opt.state();
      expect(() => opt.loadState(bad)).toThrow(errorClass);
      expect(() => opt.loadState(bad)).toThrow(message);
      expect(opt.state()).toEqual(before);
    });
  }

  it('refuses something that is not a snapshot', () => {
    const { opt } = trained();
    expect(() => opt.loadState(null as Options)).toThrow(
      /expected an object from state\(\), got null/,
    );
  });
});

describe('a user-defined optimiser', () => {
  // signSGD in a few lines: θ ← θ − η·sign(g), with a step counter kept by the base class
  interface SignOptions {
    lr: number;
  }
  class SignSGD extends Optimizer<SignOptions> {
    constructor(params: Params<SignOptions>, options: Partial<SignOptions> = {}) {
      super(params, options, {
        name: 'SignSGD',
        defaults: { lr: 0.01 },
        buffers: ['lastSign'],
        check(o, where, lrMayBeZero) {
          if (!(o.lr > 0 || (lrMayBeZero && o.lr === 0))) {
            throw new ValueError(`${where}: lr must be > 0, got ${o.lr}`);
          }
        },
      });
    }
    protected update(p: TypedArray, g: TypedArray, state: ParamState, o: SignOptions): void {
      const last = buffer(state, 'lastSign', p);
      for (let i = 0; i < p.length; i++) {
        last[i] = Math.sign(g[i] as number);
        p[i] = (p[i] as number) - o.lr * (last[i] as number);
      }
    }
  }

  it('gets groups, option checks, skipping and checkpoints from the base class', () => {
    const p = param([1, 2]);
    const opt = new SignSGD([p], { lr: 0.5 });
    p.grad = tensor([3, -0.1]);
    opt.step();
    expect(Array.from(p.data)).toEqual([0.5, 2.5]);
    expect(opt.state().state[0]).toEqual({ shape: [2], step: 1, buffers: { lastSign: [1, -1] } });
    expect(() => new SignSGD([p], { lr: -1 })).toThrow(/SignSGD: lr must be > 0, got -1/);
  });
});

describe('a step between forward and backward', () => {
  it('makes backward() refuse the graph recorded before it, naming the op', () => {
    const w = tensor([[1], [2]], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    const x = tensor([[1, 1]]);
    const loss = x.matmul(w).square().sum();
    loss.backward();
    opt.step();
    opt.zeroGrad();
    expect(() => loss.backward()).toThrow(/^backward\(\): matmul cannot be differentiated/);
    // the loss of the new weights differentiates as usual: 2·(x·w)·xᵀ with x·w = 0.4 + 1.4
    const again = x.matmul(w).square().sum();
    again.backward();
    expect(Array.from(w.grad?.data ?? [])).toEqual([2 * (0.4 + 1.4), 2 * (0.4 + 1.4)]);
  });
});
