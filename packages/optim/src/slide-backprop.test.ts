// The slides' hand-derived gradients (p. 11, 14, 18) are what reverse-mode autodiff computes, and
// their per-sample update (p. 10) is SGD: both to 1e-12 in float64, for k = 0..3 and five activations.
import { Generator, type Tensor, ValueError } from '@backprop/core';
import { halfSquaredError, MLP } from '@backprop/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { SGD } from './sgd.js';
import {
  readSlideNetwork,
  type SlideWeights,
  slideActivations,
  slideBackward,
  slideErrorSignals,
  slideForward,
  slideGradients,
  slideStep,
  writeSlideWeights,
} from './slide-backprop.js';

// the package compiles without Node's types ("types": []); the test only prints a line
declare const console: { log(message: string): void };

type Mat = number[][];
type Sample = { x: number[]; y: number };

const ACTIVATIONS = ['sigmoid', 'softsign', 'relu', 'rbf', 'tanh'] as const;
const HIDDEN: Record<number, number[]> = { 0: [], 1: [4], 2: [4, 3], 3: [4, 3, 5] };
const INPUTS = 3;
const SAMPLES = 5;
const TOL = 1e-12;

// The largest differences seen over all cases, printed at the end.
const worst = { gradients: 0, errorSignals: 0, steps: 0 };

function maxAbsDiff(a: Mat, b: Mat): number {
  expect([a.length, a[0]?.length]).toEqual([b.length, b[0]?.length]);
  let max = 0;
  a.forEach((row, p) => {
    row.forEach((v, i) => {
      max = Math.max(max, Math.abs(v - b[p][i]));
    });
  });
  return max;
}

const rows = (t: Tensor | null): Mat => {
  expect(t).not.toBeNull();
  return (t as Tensor).toArray() as Mat;
};

/**
 * A float64 network with every weight (biases included) and the samples drawn from N(0, 1) with
 * a fixed seed, so that biases are not 0 and the activations' non-linear parts are reached.
 */
function randomCase(activation: string, k: number, seed: number) {
  const mlp = new MLP({ inputs: INPUTS, hidden: HIDDEN[k], activation, seed });
  const g = new Generator(seed);
  const sizes = [INPUTS, ...HIDDEN[k], 1];
  for (let j = 0; j <= k; j++) {
    const w = Array.from({ length: sizes[j] + 1 }, () =>
      Array.from({ length: sizes[j + 1] }, () => g.normal()),
    );
    mlp.setSlideWeights(j, w);
  }
  const samples: Sample[] = Array.from({ length: SAMPLES }, () => ({
    x: Array.from({ length: INPUTS }, () => g.normal()),
    y: g.normal(),
  }));
  return { mlp, samples };
}

/** Autodiff: MLP forward → E = ½(y_E − y)² → backward; ∂E/∂w⁽ʲ⁾ in the slide layout, j = 0..k. */
function autodiffGradients(mlp: MLP, { x, y }: Sample): { dEdw: Mat[]; trace: Tensor[] } {
  mlp.zeroGrad();
  const t = mlp.forward([x], { intermediates: { retainGrad: true } });
  halfSquaredError(t.output, [[y]]).backward();
  const dEdw = Array.from({ length: mlp.numHidden + 1 }, (_, j) => rows(mlp.slideGradients(j)));
  return { dEdw, trace: t.a };
}

/** The smallest |a⁽ʲ⁾ᵢ| over every hidden neuron and sample: how far from ReLU's kink at 0. */
function distanceFromKink(mlp: MLP, samples: Sample[]): number {
  const { w, f } = readSlideNetwork(mlp);
  let min = Number.POSITIVE_INFINITY;
  for (const { x } of samples) {
    for (const aj of slideForward(w, f, x).a.slice(1)) {
      for (const v of aj.slice(1)) min = Math.min(min, Math.abs(v));
    }
  }
  return min;
}

const cases = [1, 2, 3].flatMap((k) =>
  ACTIVATIONS.map((activation, n) => ({ k, activation, seed: 100 * k + n })),
);

describe.each(cases)('k = $k hidden layers, $activation', ({ k, activation, seed }) => {
  it('forward (p. 5, eqs. 1–4) gives the MLP’s a⁽ʲ⁾, z⁽ʲ⁾ and y_E', () => {
    const { mlp, samples } = randomCase(activation, k, seed);
    const { w, f } = readSlideNetwork(mlp);
    for (const { x } of samples) {
      const { a, z, yE } = slideForward(w, f, x);
      const t = mlp.forward([x], { intermediates: true });
      expect(Math.abs(yE - t.output.item())).toBeLessThan(TOL);
      for (let j = 1; j <= k; j++) {
        expect(maxAbsDiff([a[j].slice(1)], rows(t.a[j - 1]))).toBeLessThan(TOL);
        expect(maxAbsDiff([z[j].slice(1)], rows(t.z[j - 1]))).toBeLessThan(TOL);
        expect(z[j][0]).toBe(1); // z₀⁽ʲ⁾ = 1
      }
    }
  });

  it('the slides’ ∂E/∂w (p. 11, 14, 18) equal autodiff’s to 1e-12', () => {
    const { mlp, samples } = randomCase(activation, k, seed);
    if (activation === 'relu') expect(distanceFromKink(mlp, samples)).toBeGreaterThan(1e-3);
    const nonzero = new Array(k + 1).fill(0);
    for (const sample of samples) {
      const slides = slideGradients(mlp, sample.x, sample.y);
      const { dEdw } = autodiffGradients(mlp, sample);
      expect(slides).toHaveLength(k + 1);
      for (let j = 0; j <= k; j++) {
        const d = maxAbsDiff(slides[j], dEdw[j]);
        worst.gradients = Math.max(worst.gradients, d);
        expect(d).toBeLessThan(TOL);
        nonzero[j] += slides[j].flat().filter((v) => v !== 0).length;
      }
    }
    // every layer receives some gradient, so no layer is compared as all zeros (dead ReLUs)
    for (const count of nonzero) expect(count).toBeGreaterThan(0);
  });

  it('the slides’ ∂E/∂a⁽ʲ⁾ (p. 16–17) equal autodiff’s retained a⁽ʲ⁾.grad', () => {
    const { mlp, samples } = randomCase(activation, k, seed);
    const { w, f } = readSlideNetwork(mlp);
    for (const sample of samples) {
      const forward = slideForward(w, f, sample.x);
      const dEda = slideErrorSignals(w, f, forward, sample.y);
      const { trace } = autodiffGradients(mlp, sample);
      for (let j = 1; j <= k; j++) {
        const d = maxAbsDiff([dEda[j].slice(1)], rows(trace[j - 1].grad));
        worst.errorSignals = Math.max(worst.errorSignals, d);
        expect(d).toBeLessThan(TOL);
      }
    }
  });

  it('the slides’ ∂E/∂w match central differences of E (independent of autodiff)', () => {
    const { mlp, samples } = randomCase(activation, k, seed);
    const { w, f } = readSlideNetwork(mlp);
    const { x, y } = samples[0];
    const { dEdw } = slideBackward(w, f, x, y);
    const E = (v: SlideWeights) => 0.5 * (slideForward(v, f, x).yE - y) ** 2;
    const h = 1e-6;
    for (let j = 0; j <= k; j++) {
      for (let p = 0; p < w[j].length; p++) {
        for (let i = 1; i < w[j][p].length; i++) {
          const plus = w.map((wj) => wj.map((row) => [...row]));
          const minus = w.map((wj) => wj.map((row) => [...row]));
          plus[j][p][i] += h;
          minus[j][p][i] -= h;
          const numeric = (E(plus) - E(minus)) / (2 * h);
          expect(Math.abs(numeric - dEdw[j][p][i])).toBeLessThan(1e-6 * (1 + Math.abs(numeric)));
        }
      }
    }
  });

  it('20 per-sample steps of slide formulas + update (p. 10) give autodiff + SGD’s weights', () => {
    const eta = 0.05;
    const { mlp: bySlides, samples } = randomCase(activation, k, seed);
    const { mlp: byAutodiff } = randomCase(activation, k, seed);
    const sgd = new SGD(byAutodiff.parameters(), { lr: eta });
    for (let step = 0; step < 20; step++) {
      const { x, y } = samples[step % SAMPLES];
      slideStep(bySlides, x, y, eta);
      sgd.zeroGrad();
      halfSquaredError(byAutodiff.forward([x]), [[y]]).backward();
      sgd.step();
    }
    for (let j = 0; j <= k; j++) {
      const after = rows(bySlides.slideWeights(j));
      const d = maxAbsDiff(after, rows(byAutodiff.slideWeights(j)));
      worst.steps = Math.max(worst.steps, d);
      expect(d).toBeLessThan(TOL);
    }
    // the weights did move
    const { mlp: start } = randomCase(activation, k, seed);
    expect(maxAbsDiff(rows(bySlides.slideWeights(k)), rows(start.slideWeights(k)))).toBeGreaterThan(
      1e-3,
    );
  });
});

describe('k = 1: p. 14 is p. 18’s recursion with one hidden layer', () => {
  it.each(ACTIVATIONS)('%s', (activation) => {
    const { mlp, samples } = randomCase(activation, 1, 7);
    const { w, f } = readSlideNetwork(mlp);
    for (const { x, y } of samples) {
      const backward = slideBackward(w, f, x, y); // p. 14 for k = 1
      const dEda = slideErrorSignals(w, f, backward, y);
      for (let i = 1; i < w[0][0].length; i++) {
        for (let p = 0; p < w[0].length; p++) {
          const p18 = backward.z[0][p] * dEda[1][i]; // ∂E/∂w⁽⁰⁾ₚ,ᵢ = z⁽⁰⁾ₚ ∂E/∂a⁽¹⁾ᵢ, z⁽⁰⁾ = x
          expect(Math.abs(backward.dEdw[0][p][i] - p18)).toBeLessThan(1e-15);
        }
      }
    }
  });
});

describe('k = 0: p. 11 alone (linear regression)', () => {
  it('∂E/∂w⁽⁰⁾ₚ = (y_E − y) x_p, by hand', () => {
    // x = (2, −1): y_E = 0.5·1 + 1.5·2 + (−2)·(−1) = 5.5 (eq. 4, z⁽⁰⁾ = x, x₀ = 1); y_E − y = 5
    const mlp = new MLP({ inputs: 2, hidden: [] }).setSlideWeights(0, [[0.5], [1.5], [-2]]);
    expect(slideGradients(mlp, [2, -1], 0.5)).toEqual([[[5], [10], [-5]]]);
  });

  it('equals autodiff, and its steps equal SGD’s', () => {
    const eta = 0.05;
    const { mlp, samples } = randomCase('sigmoid', 0, 1);
    const { mlp: byAutodiff } = randomCase('sigmoid', 0, 1);
    const sgd = new SGD(byAutodiff.parameters(), { lr: eta });
    for (const sample of samples) {
      const d = maxAbsDiff(
        slideGradients(mlp, sample.x, sample.y)[0],
        autodiffGradients(mlp, sample).dEdw[0],
      );
      worst.gradients = Math.max(worst.gradients, d);
      expect(d).toBeLessThan(TOL);
    }
    for (let step = 0; step < 20; step++) {
      const { x, y } = samples[step % SAMPLES];
      slideStep(mlp, x, y, eta);
      sgd.zeroGrad();
      halfSquaredError(byAutodiff.forward([x]), [[y]]).backward();
      sgd.step();
    }
    const d = maxAbsDiff(rows(mlp.slideWeights(0)), rows(byAutodiff.slideWeights(0)));
    worst.steps = Math.max(worst.steps, d);
    expect(d).toBeLessThan(TOL);
  });
});

describe('the slide view round trip and errors', () => {
  it('readSlideNetwork / writeSlideWeights put neuron i at column i and keep the weights', () => {
    const { mlp } = randomCase('tanh', 2, 3);
    const { w } = readSlideNetwork(mlp);
    expect(w[1][2][3]).toBe(rows(mlp.slideWeights(1))[2][2]); // w⁽¹⁾₂,₃: row p = 2, neuron i = 3
    expect(w.every((wj) => wj.every((row) => Number.isNaN(row[0])))).toBe(true);
    const before = [0, 1, 2].map((j) => rows(mlp.slideWeights(j)));
    writeSlideWeights(mlp, w);
    expect([0, 1, 2].map((j) => rows(mlp.slideWeights(j)))).toEqual(before);
  });

  it('the plain-number f′ of every activation matches central differences of its f (p. 15)', () => {
    for (const [name, { f, df }] of Object.entries(slideActivations)) {
      for (const a of [-2.3, -0.7, 0.4, 1.9]) {
        const numeric = (f(a + 1e-6) - f(a - 1e-6)) / 2e-6;
        expect(Math.abs(numeric - df(a)), name).toBeLessThan(1e-8);
      }
    }
  });

  it('refuses networks that are not the slides’ with errors that say why', () => {
    const x = [0.1, 0.2];
    const cases: [MLP, RegExp][] = [
      [
        new MLP({ inputs: 2, hidden: [3], outputActivation: 'softmax', outputs: 2 }),
        /one linear output/,
      ],
      [new MLP({ inputs: 2, hidden: [3, 3], activation: ['relu', 'tanh'] }), /one activation f/],
      [new MLP({ inputs: 2, hidden: [3], activation: 'elu' }), /'elu' has no plain-number f/],
      [new MLP({ inputs: 2, hidden: [3], activation: 'softmax' }), /softmax is not elementwise/],
    ];
    for (const [mlp, message] of cases) {
      expect(() => slideGradients(mlp, x, 0)).toThrow(ValueError);
      expect(() => slideGradients(mlp, x, 0)).toThrow(message);
    }
    const mlp = new MLP({ inputs: 2, hidden: [3] });
    expect(() => slideGradients(mlp, [1, 2, 3], 0)).toThrow(/x has 3 values but w⁽⁰⁾ has 2 inputs/);
    expect(() => slideStep(mlp, x, 0, 0)).toThrow(/η must be a finite number > 0, got 0/);
  });
});

afterAll(() => {
  console.log(
    `slides vs autodiff, max |difference| over all cases: ∂E/∂w ${worst.gradients.toExponential(2)}, ` +
      `∂E/∂a ${worst.errorSignals.toExponential(2)}; 20 steps vs SGD: ${worst.steps.toExponential(2)}`,
  );
});
