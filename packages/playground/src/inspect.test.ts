import { tensor } from '@backprop/core';
import { activationEntries, fromJSON, type MLP } from '@backprop/layers';
import {
  readSlideNetwork,
  type SlideActivation,
  type SlideWeights,
  slideActivations,
  slideErrorSignals,
  slideForward,
} from '@backprop/optim';
import {
  DEFAULT_CONFIG,
  type HiddenLayer,
  type PlaygroundConfig,
  PlaygroundError,
  Session,
  toyDataset,
} from '@backprop/playground';
import { describe, expect, it } from 'vitest';

const data = toyDataset('moons', { samples: 60, noise: 0.1, seed: 3 });
const pm = (c: number) => (c === 1 ? 1 : -1);
const sigmoid = (size: number): HiddenLayer => ({ size, activation: 'sigmoid' });

/** A session a little way into training, so the weights and gradients are not the initial ones. */
function trained(change: Partial<PlaygroundConfig>): Session {
  const session = new Session({ ...DEFAULT_CONFIG, lr: 0.3, validation: 0, ...change }, data);
  session.step(100);
  return session;
}

/** E = ½(y_E − y)² from the slides' plain-number forward pass (p. 5, 10): no autodiff involved. */
const slideError = (w: SlideWeights, f: SlideActivation, x: number[], y: number) =>
  0.5 * (slideForward(w, f, x).yE - y) ** 2;

/** (E(w + h) − E(w − h)) / 2h on the slides' plain-number forward pass. */
function centralDifference(
  model: MLP,
  at: [number, number, number],
  x: number[],
  y: number,
): number {
  const [j, p, i] = at;
  const { w, f } = readSlideNetwork(model);
  const h = 1e-6;
  const moved = (d: number) => {
    const copy = w.map((wj) => wj.map((row) => [...row]));
    (copy[j]?.[p] as number[])[i] += d;
    return slideError(copy, f, x, y);
  };
  return (moved(h) - moved(-h)) / (2 * h);
}

/** Evaluates the substituted TeX's left side, `= 0.5 \cdot (0.3 - (-1)) \cdot … = value`. */
function evaluateTex(substituted: string): { product: number; shown: number } {
  const plain = (tex: string) =>
    tex.replace(/\\cdot/g, '*').replace(/ \\times 10\^\{(-?\d+)\}/g, 'e$1');
  const body = substituted.replace(/^= /, '');
  const cut = body.lastIndexOf(' = ');
  return {
    product: Function(`return ${plain(body.slice(0, cut))}`)() as number,
    shown: Number(plain(body.slice(cut + 3))),
  };
}

describe.each([
  ['2–3–1 sigmoid (k = 1: p. 11 and 14)', [sigmoid(3)]],
  ['2–3–2–1 sigmoid (k = 2: p. 11 and 18)', [sigmoid(3), sigmoid(2)]],
  [
    '2–4–3–2–1 softsign (k = 3: p. 18 through two hidden layers)',
    [3, 4, 2].map((size) => ({ size, activation: 'softsign' })),
  ],
])('inspectWeight on %s', (_, hidden) => {
  const session = trained({ hidden });
  const model = session.model;
  const k = hidden.length;
  const sizes = [2, ...hidden.map((h) => h.size), 1];

  it('gives the slide′s ∂E/∂w = autodiff′s to 1e-12, both = a central difference, for every weight', () => {
    for (const sample of [0, 17, 42]) {
      const x = data.x[sample] as number[];
      const y = pm(data.y[sample] as number);
      for (let j = 0; j <= k; j++) {
        for (let p = 0; p <= (sizes[j] as number); p++) {
          for (let i = 1; i <= (sizes[j + 1] as number); i++) {
            const r = session.inspectWeight(j, p, i, sample);
            expect(r.page).toBe(j === k ? 11 : k === 1 ? 14 : 18);
            expect(r.reason).toBeNull();
            expect(Math.abs((r.slide as number) - r.autodiff)).toBeLessThanOrEqual(1e-12);
            expect(r.difference).toBe(Math.abs((r.slide as number) - r.autodiff));
            const cd = centralDifference(model, [j, p, i], x, y);
            expect(Math.abs((r.slide as number) - cd)).toBeLessThan(1e-8);
            expect(Math.abs(r.centralDifference - cd)).toBeLessThan(1e-8);
            expect(r.error.value).toBeCloseTo(
              slideError(readSlideNetwork(model).w, readSlideNetwork(model).f, x, y),
              14,
            );
            expect(r.weight).toBe((model.slideWeights(j).toArray() as number[][])[p]?.[i - 1]);
          }
        }
      }
    }
  });

  it('writes the slide′s formula with the sample′s numbers, which multiply out to the slide′s value', () => {
    for (let j = 0; j <= k; j++) {
      const r = session.inspectWeight(j, 1, 1, 5);
      const { product, shown } = evaluateTex(r.tex?.substituted as string);
      expect(product).toBeCloseTo(r.slide as number, 5);
      expect(shown).toBe(Number((r.slide as number).toPrecision(6)));
      expect(r.tex?.formula).toMatch(
        new RegExp(`^\\\\frac\\{\\\\partial E\\}\\{\\\\partial w\\^\\{\\(${j}\\)\\}`),
      );
    }
  });
});

describe('every activation of the catalog (the page offers them all)', () => {
  it.each(activationEntries().map((e) => e.name))(
    '%s: trains, and ∂E/∂w is the slide′s where the slides have f′',
    (name) => {
      const session = trained({ hidden: [3, 2].map((size) => ({ size, activation: name })) });
      const r = session.inspectWeight(0, 1, 2, 5);
      // the slides cover exactly the activations with a plain-number f′ (optim's slideActivations)
      expect(r.slide !== null).toBe(
        Object.hasOwn(slideActivations, session.model.config.activation[0] as string),
      );
      if (r.slide !== null) expect(r.difference).toBeLessThanOrEqual(1e-12);
      else expect(r.reason).toMatch(/slide formulas/);
      expect(Math.abs(r.autodiff - r.centralDifference)).toBeLessThan(1e-7);
    },
  );
});

describe('inspectWeight', () => {
  it('names the weights as the slides do and writes p. 11 and 14 in their own form', () => {
    const session = trained({ hidden: [sigmoid(3)] });
    const out = session.inspectWeight(1, 2, 1, 0);
    expect(out.name).toBe('w⁽¹⁾₂');
    expect(out.tex?.formula).toBe(
      '\\frac{\\partial E}{\\partial w^{(1)}_{2}} = (y_E - y)\\, z^{(1)}_{2}',
    );
    const first = session.inspectWeight(0, 1, 3, 0);
    expect(first.name).toBe('w⁽⁰⁾₁,₃');
    expect(first.tex?.formula).toBe(
      '\\frac{\\partial E}{\\partial w^{(0)}_{1,3}} = x_{1}\\, (y_E - y)\\, w^{(1)}_{3}\\, \\frac{\\partial z^{(1)}_{3}}{\\partial a^{(1)}_{3}}',
    );
  });

  it.each([
    ['a softmax output', { output: 'softmax' as const }, /softmax with the cross-entropy/],
    [
      'two activations',
      { hidden: [sigmoid(3), { size: 2, activation: 'relu' }] },
      /one activation f for every hidden layer/,
    ],
    [
      'an activation the slides lack',
      { hidden: [{ size: 3, activation: 'elu' }] },
      /'elu' has no plain-number f and f′/,
    ],
  ])(
    'with %s: no slide value and why, autodiff still = a central difference',
    (_, change, reason) => {
      const session = trained(change);
      const r = session.inspectWeight(0, 1, 1, 4);
      expect(r.slide).toBeNull();
      expect(r.page).toBeNull();
      expect(r.tex).toBeNull();
      expect(r.difference).toBeNull();
      expect(r.reason).toMatch(reason);
      expect(Math.abs(r.autodiff - r.centralDifference)).toBeLessThan(1e-8);
    },
  );

  it('leaves the last step′s ∂E/∂w in the snapshot as they were', () => {
    const session = trained({ hidden: [sigmoid(3)] });
    const before = session.snapshot().gradients;
    session.inspectWeight(0, 1, 1, 9);
    session.inspectNeuron(1, 2, 9);
    session.graph(9);
    expect(session.snapshot().gradients).toEqual(before);
  });

  it('refuses indices outside the network, saying what they mean', () => {
    const session = trained({ hidden: [sigmoid(3)] });
    expect(() => session.inspectWeight(2, 0, 1, 0)).toThrow(PlaygroundError);
    expect(() => session.inspectWeight(2, 0, 1, 0)).toThrow(
      /j must be 0–1 \(the layer the weight leaves; 1 is the output layer's\); got 2/,
    );
    expect(() => session.inspectWeight(0, 3, 1, 0)).toThrow(
      /p must be 0–2 \(the neuron it leaves; 0 is the bias\); got 3/,
    );
    expect(() => session.inspectWeight(0, 0, 0, 0)).toThrow(
      /i must be 1–3 \(the neuron it feeds, counted from 1\); got 0/,
    );
    expect(() => session.inspectWeight(0, 0, 1, 60)).toThrow(
      /sample must be an index from 0 to 59; got 60/,
    );
  });
});

describe('inspectNeuron', () => {
  /** E from a⁽ʲ⁾ on, by the slides' sums (p. 5) in plain numbers: z = f(a), a⁽ʲ⁺¹⁾ = Σₚ w z, … y_E. */
  function errorFromA(
    w: SlideWeights,
    f: SlideActivation,
    j: number,
    aj: number[],
    y: number,
  ): number {
    let z = [1, ...aj.map(f.f)];
    for (let l = j; l < w.length - 1; l++) {
      const next = Array.from({ length: (w[l + 1]?.length as number) - 1 }, (_, c) =>
        z.reduce((sum, zp, p) => sum + (w[l]?.[p]?.[c + 1] as number) * zp, 0),
      );
      z = [1, ...next.map(f.f)];
    }
    const yE = z.reduce((sum, zp, p) => sum + (w.at(-1)?.[p]?.[1] as number) * zp, 0);
    return 0.5 * (yE - y) ** 2;
  }

  it('gives ∂E/∂a⁽ʲ⁾ᵢ = the slides′ error signal (p. 16–17) = a central difference in a⁽ʲ⁾ᵢ', () => {
    const session = trained({ hidden: [sigmoid(4), sigmoid(3)] });
    const { w, f } = readSlideNetwork(session.model);
    for (const sample of [2, 33]) {
      const x = data.x[sample] as number[];
      const y = pm(data.y[sample] as number);
      const forward = slideForward(w, f, x);
      const signals = slideErrorSignals(w, f, forward, y);
      for (const [j, m] of [
        [1, 4],
        [2, 3],
      ] as const) {
        for (let i = 1; i <= m; i++) {
          const r = session.inspectNeuron(j, i, sample);
          expect(r.a).toBeCloseTo(forward.a[j]?.[i] as number, 14);
          expect(r.z).toBeCloseTo(forward.z[j]?.[i] as number, 14);
          expect(Math.abs(r.autodiff - (signals[j]?.[i] as number))).toBeLessThan(1e-12);
          const h = 1e-6;
          const aj = forward.a[j]?.slice(1) as number[];
          const moved = (d: number) => aj.map((v, c) => (c === i - 1 ? v + d : v));
          const cd =
            (errorFromA(w, f, j, moved(h), y) - errorFromA(w, f, j, moved(-h), y)) / (2 * h);
          expect(Math.abs(r.autodiff - cd)).toBeLessThan(1e-8);
          expect(Math.abs(r.centralDifference - cd)).toBeLessThan(1e-8);
        }
      }
    }
  });

  it('works for a softmax output too (autodiff = its central difference) and refuses a bad neuron', () => {
    const session = trained({ hidden: [sigmoid(3)], output: 'softmax' });
    const r = session.inspectNeuron(1, 2, 8);
    expect(Math.abs(r.autodiff - r.centralDifference)).toBeLessThan(1e-8);
    expect(() => session.inspectNeuron(2, 1, 0)).toThrow(/j must be a hidden layer 1–1; got 2/);
    expect(() => session.inspectNeuron(1, 4, 0)).toThrow(
      /i must be 1–3 \(hidden layer 1 has 3 neurons\); got 4/,
    );
    expect(() => trained({ hidden: [] }).inspectNeuron(1, 1, 0)).toThrow(/no hidden layer/);
  });
});

describe('graph and exportModel', () => {
  it('draws one sample′s forward and backward pass with its ops and the slides′ names', () => {
    const mermaid = trained({ hidden: [sigmoid(3), { size: 2, activation: 'relu' }] }).graph(3);
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    for (const part of [
      'x = constant',
      'a⁽¹⁾ = linear',
      'z⁽¹⁾ = sigmoid',
      'z⁽²⁾ = relu',
      'y_E = linear',
      'square',
      'E = mean',
      'w⁽⁰⁾₀,ᵢ (bias)',
    ]) {
      expect(mermaid).toContain(part);
    }
    expect(mermaid).toMatch(/a⁽²⁾ = linear<br\/>\[1, 2\]<br\/>value \[.*\]<br\/>grad \[/); // ∂E/∂a⁽²⁾: the backward pass
  });

  it('exports a model that fromJSON loads, predicting the same', () => {
    for (const change of [
      { hidden: [sigmoid(3), sigmoid(2)] },
      { output: 'softmax' as const, hidden: [] },
    ]) {
      const session = trained(change);
      const loaded = fromJSON(JSON.parse(JSON.stringify(session.exportModel()))) as MLP;
      const x = tensor(data.x);
      expect(loaded.forward(x).toArray()).toEqual(session.model.forward(x).toArray());
    }
  });
});
