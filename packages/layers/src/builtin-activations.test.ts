// The activation catalog, swept: every registered entry (the built-ins and a user's, registered
// below) gets value, first- and second-order gradient, closed-form derivative and kink checks
// without a test of its own. Then the lecture's five against the seed's table (p. 6–7).
import { Generator, grad, jacobian, noGrad, type Tensor, tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import { checkHvp } from '../../core/test/second-order.js';
import {
  type ActivationEntry,
  activationEntries,
  activationName,
  defineActivation,
  gelu,
  geluTanh,
  getActivation,
  rbf,
  registerActivation,
  SELU_ALPHA,
  SELU_LAMBDA,
  silu,
  swish,
  unregisterActivation,
} from './index.js';

// A user's activations, added the way the README shows: one composed, one given as f and f′.
// The sweep below checks them like the built-ins, with no test written for them.
registerActivation(
  defineActivation({
    name: 'testBentIdentity',
    fn: (a) => a.square().add(1).sqrt().sub(1).div(2).add(a), // (√(a² + 1) − 1)/2 + a
    derivative: (a) => a.div(a.square().add(1).sqrt().mul(2)).add(1), // a/(2√(a² + 1)) + 1
  }),
);
registerActivation(
  defineActivation({
    name: 'testArctan',
    f: Math.atan,
    df: (a) => a.square().add(1).reciprocal(), // atan′ = 1/(1 + a²)
    derivative: (a) => a.square().add(1).reciprocal(),
  }),
);
afterAll(() => {
  unregisterActivation('testBentIdentity');
  unregisterActivation('testArctan');
});

const entries = activationEntries();
const { PI, exp, log1p, tanh, sqrt } = Math;

/** The built-in catalog, in registration order (the lecture's five first, aliases last). */
const BUILTINS = [
  'sigmoid',
  'softsign',
  'softmax',
  'relu',
  'rbf',
  'identity',
  'tanh',
  'leakyRelu',
  'elu',
  'selu',
  'geluTanh',
  'silu',
  'softplus',
  'mish',
  'hardSigmoid',
  'hardTanh',
  'gelu',
  'swish',
];

// Plain-Math closed forms of every built-in elementwise activation: the defining formulas, in
// forms that stay finite at ±1000 (expm1 for ELU, log1p for softplus).
const softplusRef = (v: number) => (v > 30 ? v + log1p(exp(-v)) : log1p(exp(v)));
const geluRef = (v: number) => 0.5 * v * (1 + tanh(sqrt(2 / PI) * (v + 0.044715 * v ** 3)));
const siluRef = (v: number) => v / (1 + exp(-v));
const reference: Record<string, (v: number) => number> = {
  sigmoid: (v) => 1 / (1 + exp(-v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  relu: (v) => Math.max(0, v),
  rbf: (v) => exp(-v * v),
  identity: (v) => v,
  tanh,
  leakyRelu: (v) => (v > 0 ? v : 0.01 * v),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
  geluTanh: geluRef,
  gelu: geluRef,
  silu: siluRef,
  swish: siluRef,
  softplus: softplusRef,
  mish: (v) => v * tanh(softplusRef(v)),
  hardSigmoid: (v) => Math.min(1, Math.max(0, v / 6 + 0.5)),
  hardTanh: (v) => Math.min(1, Math.max(-1, v)),
};

/**
 * The stated f′ at each kink of each built-in: what autodiff must give there. PyTorch's
 * conventions: relu′(0) = 0, leaky_relu′(0) = α, elu′(0) = α and selu′(0) = λα (the a ≤ 0
 * branch), hardtanh′ and hardsigmoid′ 0 at the ends. softsign's kink is in f″ only: f′(0) = 1.
 */
const KINK_CONVENTIONS: Record<string, [number, number][]> = {
  softsign: [[0, 1]],
  relu: [[0, 0]],
  leakyRelu: [[0, 0.01]],
  elu: [[0, 1]],
  selu: [[0, SELU_LAMBDA * SELU_ALPHA]],
  hardSigmoid: [
    [-3, 0],
    [3, 0],
  ],
  hardTanh: [
    [-1, 0],
    [1, 0],
  ],
};

/** ReLU-like activations get He initialisation; the rest Glorot. */
const HE = ['relu', 'leakyRelu', 'elu', 'geluTanh', 'gelu', 'silu', 'swish', 'softplus', 'mish'];

const HAND_PICKED = [-30, -5, -3, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2.5, 3, 5, 30];
const HUGE = [-1000, -800, 800, 1000];

/** `n` samples of N(0, scale²) from `seed`, each at least `margin` from every kink. */
function sample(n: number, seed: number, scale: number, kinks: readonly number[] = []): number[] {
  const g = new Generator(seed);
  const out: number[] = [];
  while (out.length < n) {
    const v = scale * g.normal();
    if (kinks.every((k) => Math.abs(v - k) >= 0.01)) out.push(v);
  }
  return out;
}

/** Elementwise entries act on a vector; softmax-like ones on rows, so give them a matrix. */
const inputOf = (e: ActivationEntry, values: number[], rows = 1) =>
  e.elementwise ? tensor(values) : tensor(values).reshape([rows, values.length / rows]);

/** f′ at each element of `x` by autodiff: the gradient of Σ f(x) (elementwise only). */
const autodiffDerivative = (e: ActivationEntry, x: Tensor) => grad((t: Tensor) => e.fn(t).sum())(x);

const away = (values: number[], kinks: readonly number[] = []) =>
  values.filter((v) => kinks.every((k) => Math.abs(v - k) >= 0.01));

const expectFinite = (t: Tensor, what: string) => {
  Array.from(t.data).forEach((v, i) => {
    expect(Number.isFinite(v), `${what}[${i}] = ${v}`).toBe(true);
  });
};

describe('the catalog', () => {
  it('holds the built-ins (the lecture’s five first, aliases last), then the user’s', () => {
    expect(entries.map((e) => e.name)).toEqual([...BUILTINS, 'testBentIdentity', 'testArctan']);
  });

  it('gives every built-in a description, its init, its kinks and (if elementwise) a derivative', () => {
    for (const name of BUILTINS) {
      const entry = entries.find((x) => x.name === name) as ActivationEntry;
      expect(entry, name).toBeDefined();
      expect(entry.fn, name).toBe(getActivation(name));
      expect(entry.description.length, name).toBeGreaterThan(10);
      expect(entry.init, name).toBe(HE.includes(name) ? 'he' : 'xavier');
      expect(entry.elementwise, name).toBe(name !== 'softmax');
      expect(typeof entry.derivative, name).toBe(name === 'softmax' ? 'undefined' : 'function');
      expect(entry.twiceDifferentiable, name).toBe(true);
      expect([...(entry.kinks ?? [])], name).toEqual(
        (KINK_CONVENTIONS[name] ?? []).map(([k]) => k),
      );
      if (entry.elementwise)
        expect(reference[name], `a reference for ${name}`).toBeTypeOf('function');
    }
  });

  it('has aliases that are the same functions, saved under the primary name', () => {
    expect(getActivation('swish')).toBe(silu);
    expect(swish).toBe(silu);
    expect(getActivation('gelu')).toBe(gelu);
    expect(geluTanh).toBe(gelu);
    expect(activationName(swish)).toBe('silu');
    expect(activationName(gelu)).toBe('geluTanh');
  });
});

describe.each(entries.map((e) => [e.name, e] as const))('%s', (_name, e) => {
  const kinks = e.kinks ?? [];

  it('is finite at hand-picked points and at ±800, ±1000, with finite gradients (and f″)', () => {
    const points = [...HAND_PICKED, ...HUGE, ...kinks];
    const x = inputOf(e, points);
    const y = e.fn(x);
    expect(y.shape).toEqual(x.shape);
    expectFinite(y, 'f');
    const r = tensor(sample(points.length, 3, 1)).reshape(x.shape);
    const g = grad((t: Tensor) => e.fn(t).mul(r).sum())(x);
    expectFinite(g, 'gradient');
    if (e.twiceDifferentiable) {
      const g2 = grad((t: Tensor) => grad((u: Tensor) => e.fn(u).mul(r).sum())(t).sum())(x);
      expectFinite(g2, 'second derivative');
    }
    // each huge value on its own row too (softmax's rows would otherwise hide them)
    for (const v of HUGE) {
      const one = inputOf(e, [v, 0, 1]);
      expectFinite(e.fn(one), `f at ${v}`);
      expectFinite(
        grad((t: Tensor) =>
          e
            .fn(t)
            .mul(tensor([1, 2, 3]).reshape(one.shape))
            .sum(),
        )(one),
        `f′ at ${v}`,
      );
    }
  });

  if (e.elementwise) {
    it('acts on each element alone, for any shape', () => {
      const values = [...HAND_PICKED, ...HUGE];
      const whole = e.fn(tensor(values));
      values.forEach((v, i) => {
        expect(e.fn(tensor(v)).item(), `f(${v})`).toBe(whole.data[i]);
      });
      const m = e.fn(tensor(values.slice(0, 12)).reshape([3, 4]));
      expect(m.shape).toEqual([3, 4]);
      expectAllClose(m.reshape([12]), whole.slice([0], [12]), { atol: 0, rtol: 0 });
    });
  } else {
    it('maps each row to probabilities: in [0, 1], summing to 1', () => {
      const x = tensor([...HAND_PICKED, ...HUGE.slice(0, 2)]).reshape([2, 8]);
      const y = e.fn(x);
      for (let row = 0; row < 2; row++) {
        const z = Array.from(y.data.slice(row * 8, row * 8 + 8));
        expect(z.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(Math.abs(z.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
      }
    });
  }

  it('keeps float32 in float32, close to the float64 values', () => {
    const values = [...HAND_PICKED, ...HUGE];
    const x64 = inputOf(e, values, 2);
    const y32 = e.fn(x64.astype('float32'));
    expect(y32.dtype).toBe('float32');
    expectFinite(y32, 'float32 f');
    expectAllClose(y32.astype('float64'), e.fn(x64), { atol: 1e-6, rtol: 1e-5 });
    const g32 = grad((t: Tensor) => e.fn(t).sum())(x64.astype('float32'));
    expect(g32.dtype).toBe('float32');
    expectFinite(g32, 'float32 gradient');
  });

  it('has gradients equal to central differences (float64, random inputs away from kinks)', () => {
    checkGradients((a) => e.fn(a), [inputOf(e, sample(24, 11, 4, kinks), 4)]);
    checkGradients((a) => e.fn(a), [inputOf(e, sample(12, 12, 0.5, kinks), 3)]);
  });

  if (e.twiceDifferentiable) {
    it('has H·v equal to central differences of its gradient (random inputs away from kinks)', () => {
      const x = inputOf(e, sample(12, 21, 3, kinks), 3);
      const r = tensor(sample(12, 22, 1)).reshape(x.shape);
      checkHvp((t) => e.fn(t).mul(r).sum(), x, tensor(sample(12, 23, 1)).reshape(x.shape));
    });
  }

  if (e.twiceDifferentiable && e.elementwise) {
    it('has f″ = grad(grad(Σ f)) equal to central differences of f′', () => {
      const values = sample(16, 31, 3, kinks);
      const x = tensor(values);
      const d2 = grad((t: Tensor) => autodiffDerivative(e, t).sum())(x);
      const eps = 1e-5;
      const plus = autodiffDerivative(e, x.add(eps));
      const minus = autodiffDerivative(e, x.sub(eps));
      expectAllClose(d2, plus.sub(minus).div(2 * eps), { atol: 1e-6, rtol: 1e-5 });
    });
  }

  if (e.elementwise && e.derivative) {
    const derivative = e.derivative;
    it('has an autodiff derivative equal to its closed form (to ~1e-12), ±1000 included', () => {
      const values = [...sample(24, 41, 4, kinks), ...away(HAND_PICKED, kinks), ...HUGE];
      const x = tensor(values);
      expectAllClose(autodiffDerivative(e, x), derivative(x), { atol: 1e-12, rtol: 1e-12 });
    });
  }

  if (e.elementwise && kinks.length > 0) {
    it('takes at each kink the derivative its convention states, a one-sided one (or their mean)', () => {
      for (const k of kinks) {
        const atKink = autodiffDerivative(e, tensor([k])).item();
        if (e.derivative) expect(atKink, `f′(${k})`).toBe(e.derivative(tensor([k])).item());
        const stated = KINK_CONVENTIONS[e.name]?.find(([at]) => at === k);
        if (BUILTINS.includes(e.name)) expect(stated, `a stated convention at ${k}`).toBeDefined();
        if (stated) expect(atKink, `f′(${k})`).toBe(stated[1]);
        const f = (v: number) => noGrad(() => e.fn(tensor([v]))).item();
        const h = 1e-7;
        const left = (f(k) - f(k - h)) / h;
        const right = (f(k + h) - f(k)) / h;
        const near = [left, right, (left + right) / 2].some((d) => Math.abs(atKink - d) < 1e-5);
        expect(near, `f′(${k}) = ${atKink}; one-sided ${left} and ${right}`).toBe(true);
      }
    });
  }

  if (e.elementwise && reference[e.name]) {
    const ref = reference[e.name] as (v: number) => number;
    it('equals its plain-Math closed form at hand-picked points, kinks and ±800, ±1000', () => {
      const values = [...HAND_PICKED, ...HUGE, ...kinks];
      expectAllClose(e.fn(tensor(values)), values.map(ref), { atol: 1e-12, rtol: 1e-12 });
    });
  }
});

describe('softmax: not elementwise', () => {
  const softmax = getActivation('softmax');
  /** z_i(δ_iq − z_q) in plain JS, from the seed's table (p. 6–7). */
  const closedFormJacobian = (a: number[]) => {
    const m = Math.max(...a);
    const e = a.map((v) => exp(v - m));
    const s = e.reduce((p, v) => p + v, 0);
    const z = e.map((v) => v / s);
    return z.map((zi, i) => z.map((zq, q) => zi * ((i === q ? 1 : 0) - zq)));
  };

  it('has the Jacobian z_i(δ_iq − z_q), which couples the neurons', () => {
    for (const a of [
      [0.5, -1.2, 2, 0.1, 0.7],
      [1000, 0, -1000],
      [-800, -800.5, -799],
    ]) {
      const J = jacobian((t) => softmax(t))(tensor(a));
      expectAllClose(J, closedFormJacobian(a), { atol: 1e-15, rtol: 1e-12 });
    }
    const J = jacobian((t) => softmax(t))(tensor([0.5, -1.2, 2]));
    expect(J.data[1]).not.toBe(0); // ∂z_0/∂a_1 ≠ 0: not elementwise
  });

  it('acts along the last axis: rows do not couple', () => {
    const a = [
      [0.3, -0.4, 1.1],
      [2, 0, -2],
    ];
    const J = jacobian((t) => softmax(t))(tensor(a)); // [2, 3, 2, 3]
    expect(J.shape).toEqual([2, 3, 2, 3]);
    a.forEach((row, n) => {
      const expected = closedFormJacobian(row);
      for (let i = 0; i < 3; i++) {
        for (let m = 0; m < 2; m++) {
          for (let q = 0; q < 3; q++) {
            const got = J.data[((n * 3 + i) * 2 + m) * 3 + q] as number;
            const want = m === n ? ((expected[i] as number[])[q] as number) : 0;
            expect(Math.abs(got - want), `J[${n}][${i}][${m}][${q}]`).toBeLessThan(1e-15);
          }
        }
      }
    });
  });
});

describe('the lecture’s five against the seed’s table (p. 6–7)', () => {
  // Every expected number below is the table's formula evaluated with Math.* at the point.
  const A = [-5, -2, -1, -0.5, 0, 0.5, 1, 2, 5];
  const valuesAndDerivatives = (name: string, a: number[]) => {
    const fn = getActivation(name);
    const x = tensor(a);
    return { z: fn(x), dz: grad((t: Tensor) => fn(t).sum())(x) };
  };

  it('sigmoid: f = 1/(1 + e^(−a)), f′ = f(1 − f), at most 0.25 (at a = 0)', () => {
    const { z, dz } = valuesAndDerivatives('sigmoid', A);
    const f = A.map((v) => 1 / (1 + exp(-v)));
    expectAllClose(z, f, { atol: 1e-15, rtol: 1e-14 });
    expectAllClose(
      dz,
      f.map((v) => v * (1 - v)),
      { atol: 1e-15, rtol: 1e-13 },
    );
    expect(dz.data[A.indexOf(0)]).toBe(0.25);
    const grid = valuesAndDerivatives(
      'sigmoid',
      Array.from({ length: 2001 }, (_, i) => -10 + i / 100),
    );
    expect(Math.max(...grid.dz.data)).toBe(0.25);
  });

  it('sigmoid at a = −800: z = 0 and gradient 0, where the textbook composition gives NaN', () => {
    const { z, dz } = valuesAndDerivatives('sigmoid', [-800, 800]);
    expect([...z.data]).toEqual([0, 1]);
    expect([...dz.data]).toEqual([0, 0]);
    // why the catalog does not compose it: e^800 = ∞, and the chain rule then multiplies 0 by ∞
    const textbook = grad((t: Tensor) => t.neg().exp().add(1).reciprocal().sum())(tensor([-800]));
    expect(Number.isNaN(textbook.item())).toBe(true);
  });

  it('softsign: f = a/(1 + |a|), f′ = 1/(1 + |a|)²', () => {
    const { z, dz } = valuesAndDerivatives('softsign', A);
    expectAllClose(
      z,
      A.map((v) => v / (1 + Math.abs(v))),
      { atol: 0, rtol: 1e-15 },
    );
    expectAllClose(
      dz,
      A.map((v) => 1 / (1 + Math.abs(v)) ** 2),
      { atol: 1e-16, rtol: 1e-14 },
    );
  });

  it('softmax: z_i = e^(a_i)/Σ_p e^(a_p), summing to 1', () => {
    const a = [1, 2, 3, -1];
    const s = a.reduce((p, v) => p + exp(v), 0);
    expectAllClose(
      getActivation('softmax')(tensor(a)),
      a.map((v) => exp(v) / s),
      { atol: 1e-16, rtol: 1e-14 },
    );
  });

  it('ReLU: f = max(0, a), f′ = 1 for a > 0 and 0 for a < 0 (and 0 at a = 0, stated)', () => {
    const { z, dz } = valuesAndDerivatives('relu', A);
    expect([...z.data]).toEqual(A.map((v) => Math.max(0, v)));
    expect([...dz.data]).toEqual(A.map((v) => (v > 0 ? 1 : 0)));
  });

  it('RBF: f = exp(−γa²), f′ = −2γa·exp(−γa²), for γ = 1 (the catalog’s) and γ = 0.5', () => {
    for (const [fn, gamma] of [
      [getActivation('rbf'), 1],
      [rbf(0.5), 0.5],
    ] as const) {
      const x = tensor(A);
      expectAllClose(
        fn(x),
        A.map((v) => exp(-gamma * v * v)),
        { atol: 1e-16, rtol: 1e-14 },
      );
      expectAllClose(
        grad((t: Tensor) => fn(t).sum())(x),
        A.map((v) => -2 * gamma * v * exp(-gamma * v * v)),
        { atol: 1e-16, rtol: 1e-13 },
      );
    }
  });
});

describe('other closed-form values', () => {
  it('softplus(0) = ln 2, selu(1) = λ, selu(−1000) = −λα, hardSigmoid(0) = 1/2, mish(0) = silu(0) = 0', () => {
    expect(getActivation('softplus')(tensor([0])).item()).toBe(Math.LN2);
    expect(getActivation('selu')(tensor([1])).item()).toBe(SELU_LAMBDA);
    expect(getActivation('selu')(tensor([-1000])).item()).toBe(-SELU_LAMBDA * SELU_ALPHA);
    expect(getActivation('hardSigmoid')(tensor([0])).item()).toBe(0.5);
    expect(getActivation('mish')(tensor([0])).item()).toBe(0);
    expect(getActivation('silu')(tensor([0])).item()).toBe(0);
  });

  it('softplus keeps its second derivative σ′(0) = 1/4 at 0 (a composition through |a| would give 0)', () => {
    const sp = getActivation('softplus');
    expect(grad((t: Tensor) => grad((u: Tensor) => sp(u).sum())(t).sum())(tensor([0])).item()).toBe(
      0.25,
    );
  });

  it('softsign’s f″ jumps at 0 (from 2 to −2); autodiff takes their mean, 0', () => {
    const ss = getActivation('softsign');
    const d2 = grad((t: Tensor) => grad((u: Tensor) => ss(u).sum())(t).sum());
    expect(d2(tensor([0])).item()).toBe(0);
    expectAllClose(d2(tensor([-1e-9, 1e-9])), [2, -2], { atol: 1e-8, rtol: 0 });
  });

  it('GELU is the tanh approximation: ½a(1 + tanh(√(2/π)(a + 0.044715a³))), not a·Φ(a)', () => {
    // a·Φ(a) at a = 1 is 0.8413447460685429 (Φ(1) from the normal table); the approximation differs
    const one = gelu(tensor([1])).item();
    expect(one).toBeCloseTo(geluRef(1), 15);
    expect(Math.abs(one - 0.8413447460685429)).toBeGreaterThan(1e-5);
  });
});
