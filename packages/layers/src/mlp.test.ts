// MLP against the lecture: forward = eqs. 1–4 (p. 5) computed in plain JS loops, every gradient =
// central differences, ∂E/∂a⁽ʲ⁾ = the slide recursion (p. 16–18), softmax + cross-entropy.
import { logSoftmax, noGrad, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import {
  type Activation,
  activationEntries,
  defineActivation,
  getActivation,
  MLP,
  type MLPIntermediates,
  type MLPTrace,
  RBF,
} from './index.js';

// ---------------------------------------------------------------- plain-JS reference (p. 5–7)

type Vec = number[];
type Mat = number[][];

const sig = (v: number) => 1 / (1 + Math.exp(-v));
/** The lecture's activations (p. 6–7) as plain functions of a layer's a-vector. */
const plainActivations: Record<string, (a: Vec) => Vec> = {
  sigmoid: (a) => a.map(sig),
  softsign: (a) => a.map((v) => v / (1 + Math.abs(v))),
  relu: (a) => a.map((v) => Math.max(0, v)),
  rbf: (a) => a.map((v) => Math.exp(-v * v)), // γ = 1
  tanh: (a) => a.map(Math.tanh),
  identity: (a) => a.slice(),
  softmax: (a) => {
    const m = Math.max(...a);
    const e = a.map((v) => Math.exp(v - m));
    const s = e.reduce((p, q) => p + q, 0);
    return e.map((v) => v / s);
  },
};

/**
 * Eqs. 1–4 for one sample: w[j][p][i] = w⁽ʲ⁾ₚ,ᵢ with row 0 the bias (x₀ = z₀⁽ʲ⁾ = 1).
 * Returns a⁽ʲ⁾, z⁽ʲ⁾ for j = 1..k, the output layer's a and y_E.
 */
function plainForward(
  w: Mat[],
  fs: ((a: Vec) => Vec)[],
  x: Vec,
  outputF: (a: Vec) => Vec = plainActivations.identity as (a: Vec) => Vec,
): { a: Vec[]; z: Vec[]; logits: Vec; yE: Vec } {
  const layer = (wj: Mat, prev: Vec): Vec => {
    const withOne = [1, ...prev]; // x₀ = 1 / z₀⁽ʲ⁾ = 1
    const out = (wj[0] as Vec).length;
    const res: Vec = [];
    for (let i = 0; i < out; i++) {
      let s = 0;
      for (let p = 0; p < withOne.length; p++) s += (wj[p] as Vec)[i] * (withOne[p] as number);
      res.push(s);
    }
    return res;
  };
  const a: Vec[] = [];
  const z: Vec[] = [];
  let prev = x;
  fs.forEach((f, j) => {
    const aj = layer(w[j] as Mat, prev); // eqs. 1–2
    const zj = f(aj); // eq. 3
    a.push(aj);
    z.push(zj);
    prev = zj;
  });
  const logits = layer(w[fs.length] as Mat, prev); // eq. 4
  return { a, z, logits, yE: outputF(logits) };
}

/** Fixed "given" slide weights for layer sizes `sizes` (no randomness, no library). */
function givenWeights(sizes: number[]): Mat[] {
  return sizes
    .slice(0, -1)
    .map((m, j) =>
      Array.from({ length: m + 1 }, (_, p) =>
        Array.from(
          { length: sizes[j + 1] as number },
          (_, i) => 0.9 * Math.sin(1.3 + 7 * j + 3.1 * p + 1.7 * i),
        ),
      ),
    );
}

const X: Mat = [
  [0.5, -1.2, 2.0],
  [-0.3, 0.8, 0.1],
  [1.5, 0.4, -0.7],
  [0.0, -0.6, 0.9],
];
const Y: Mat = [[0.7], [-0.2], [1.1], [0.3]];

function rows(t: Tensor): Mat {
  return t.toArray() as Mat;
}

function withSlideWeights(mlp: MLP, w: Mat[]): MLP {
  for (const [j, wj] of w.entries()) mlp.setSlideWeights(j, wj);
  return mlp;
}

/** E = Σ over the batch of ½(y_E − y)² (p. 10), with core ops. */
function halfSquaredError(yE: Tensor, y: Mat): Tensor {
  return yE.sub(tensor(y)).square().mul(0.5).sum();
}

// ---------------------------------------------------------------- forward = eqs. 1–4

describe('MLP forward', () => {
  for (const k of [0, 1, 2, 3]) {
    it(`equals eqs. 1–4 of p. 5 computed by hand for k = ${k} hidden layers`, () => {
      const hidden = [4, 3, 5].slice(0, k);
      const w = givenWeights([3, ...hidden, 1]);
      const mlp = withSlideWeights(new MLP({ inputs: 3, hidden }), w);
      const yE = mlp.forward(X);
      const expected = X.map(
        (x) =>
          plainForward(
            w,
            hidden.map(() => plainActivations.sigmoid!),
            x,
          ).yE,
      );
      expect(yE.shape).toEqual([4, 1]);
      expectAllClose(yE, expected);
    });
  }

  it('computes one sample given as a 1-D input', () => {
    const w = givenWeights([3, 4, 2]);
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden: [4], outputs: 2 }), w);
    const y = mlp.forward(X[0] as Vec);
    expect(y.shape).toEqual([2]);
    expectAllClose(y, plainForward(w, [plainActivations.sigmoid!], X[0] as Vec).yE);
  });

  it('uses one activation per hidden layer when given an array', () => {
    const names = ['tanh', 'relu', 'softsign'];
    const hidden = [4, 3, 5];
    const w = givenWeights([3, ...hidden, 2]);
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden, outputs: 2, activation: names }), w);
    expect(mlp.config.activation).toEqual(names);
    const fs = names.map((n) => plainActivations[n] as (a: Vec) => Vec);
    expectAllClose(
      mlp.forward(X),
      X.map((x) => plainForward(w, fs, x).yE),
    );
  });

  it('accepts activation functions, and names the ones from the catalog in config', () => {
    const mlp = new MLP({ inputs: 3, hidden: [2, 2], activation: getActivation('relu') });
    expect(mlp.config.activation).toEqual(['relu', 'relu']);
  });

  it('is linear regression for k = 0: y_E = w₀ + Σ w_p x_p', () => {
    const w = [[[0.5], [2], [-1], [0.25]]];
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden: [] }), w);
    expect(mlp.layers).toHaveLength(1);
    expect(mlp.numParameters()).toBe(4);
    const yE = mlp.forward(X);
    expectAllClose(
      yE,
      X.map((x) => [0.5 + 2 * (x[0] as number) - (x[1] as number) + 0.25 * (x[2] as number)]),
    );
    // p. 11 with k = 0: ∂E/∂w_p = Σ_n (y_E − y) x_p, x₀ = 1
    halfSquaredError(yE, Y).backward();
    const r = rows(yE).map((row, n) => (row[0] as number) - ((Y[n] as Vec)[0] as number));
    const expected = [0, 1, 2, 3].map((p) => [
      r.reduce((s, rn, n) => s + rn * (p === 0 ? 1 : ((X[n] as Vec)[p - 1] as number)), 0),
    ]);
    expectAllClose(mlp.slideGradients(0) as Tensor, expected);
  });

  it('softmax output: rows are the softmax of the output layer’s a (p. 8)', () => {
    const w = givenWeights([3, 4, 3]);
    const mlp = withSlideWeights(
      new MLP({ inputs: 3, hidden: [4], outputs: 3, outputActivation: 'softmax' }),
      w,
    );
    const expected = X.map(
      (x) => plainForward(w, [plainActivations.sigmoid!], x, plainActivations.softmax).yE,
    );
    expectAllClose(mlp.forward(X), expected);
    for (const row of rows(mlp.forward(X))) {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    }
  });

  it('runs in float32 when asked', () => {
    const mlp = new MLP({ inputs: 3, hidden: [4], dtype: 'float32' });
    const y = mlp.forward(X);
    expect(y.dtype).toBe('float32');
    expect(mlp.slideWeights(0).dtype).toBe('float32');
  });
});

// ---------------------------------------------------------------- slide notation

describe('MLP as one fused op', () => {
  /** The output and every parameter's gradient of Σ y·r, as plain arrays. */
  function pass(net: MLP, forward: () => Tensor): number[][] {
    net.zeroGrad();
    const y = forward();
    y.mul(
      tensor(
        Array.from({ length: y.size }, (_, i) => 0.3 + i),
        { shape: y.shape },
      ),
    )
      .sum()
      .backward();
    return [
      Array.from(y.data),
      ...net.parameters().map((p) => Array.from((p.grad as Tensor).data)),
    ];
  }

  it('runs core’s fusedMLP where the activations allow, with the numbers of its layers op by op', () => {
    for (const activation of ['sigmoid', 'tanh', 'relu', 'identity']) {
      for (const outputActivation of ['identity', 'sigmoid', 'softmax']) {
        const net = new MLP({
          inputs: 3,
          hidden: [4, 2],
          activation,
          outputActivation,
          outputs: 2,
          seed: 1,
        });
        const x = tensor([
          [0.5, -1, 2],
          [1, 0.25, -0.5],
        ]);
        const y = net.forward(x);
        // softmax (a row at a time) runs after the fused layers, on their output
        expect(outputActivation === 'softmax' ? y.inputs[0]?.op : y.op).toBe('fusedMLP');
        expect(
          pass(net, () => net.forward(x)),
          `${activation} → ${outputActivation}`,
        ).toEqual(pass(net, () => net.forward(x, { intermediates: true }).output));
      }
    }
  });

  it('composes ops for an activation core cannot fuse, or one put in later', () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'softplus', seed: 0 });
    expect(net.forward([[1, 2]]).op).toBe('linear');
    const fused = new MLP({ inputs: 2, hidden: [3], activation: 'tanh', seed: 0 });
    expect(fused.forward([[1, 2]]).op).toBe('fusedMLP');
    fused.activations[0] = getActivation('softsign');
    expect(fused.forward([[1, 2]]).op).toBe('linear');
    expect(fused.forward([[1, 2]]).item()).toBe(
      fused.forward([[1, 2]], { intermediates: true }).output.item(),
    );
  });
});

describe('MLP slide weights (p. 4)', () => {
  it('slideWeights(j) is [bias; W] of layers.j, (m⁽ʲ⁾ + 1) × m⁽ʲ⁺¹⁾', () => {
    const mlp = new MLP({ inputs: 3, hidden: [4, 2], outputs: 1, seed: 3 });
    const sizes = [3, 4, 2, 1];
    for (let j = 0; j <= 2; j++) {
      const sw = mlp.slideWeights(j);
      expect(sw.shape).toEqual([(sizes[j] as number) + 1, sizes[j + 1]]);
      const layer = mlp.layers[j]!;
      const w = layer.weight.toArray() as Mat;
      const b = layer.bias!.toArray() as Vec;
      expect(sw.toArray()).toEqual([b, ...w]);
    }
    const names = mlp.namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'layers.2.weight',
      'layers.2.bias',
    ]);
  });

  it('setSlideWeights round-trips and writes row 0 to the bias, rows 1.. to the weight', () => {
    const mlp = new MLP({ inputs: 2, hidden: [3], seed: 1 });
    const w0 = [
      [0.1, 0.2, 0.3],
      [1, 2, 3],
      [-1, -2, -3],
    ];
    const weightBefore = mlp.layers[0]!.weight;
    mlp.setSlideWeights(0, w0);
    expect(mlp.slideWeights(0).toArray()).toEqual(w0);
    expect(mlp.layers[0]!.bias!.toArray()).toEqual([0.1, 0.2, 0.3]);
    expect(mlp.layers[0]!.weight.toArray()).toEqual([
      [1, 2, 3],
      [-1, -2, -3],
    ]);
    expect(mlp.layers[0]!.weight).toBe(weightBefore); // parameters keep their identity
    // a tensor works too, and the output layer's w⁽ᵏ⁾ₚ may be a plain vector when outputs = 1
    mlp.setSlideWeights(1, tensor([[0.5], [1], [2], [3]]));
    expect(mlp.slideWeights(1).toArray()).toEqual([[0.5], [1], [2], [3]]);
    mlp.setSlideWeights(1, [0.25, -1, 0, 4]);
    expect(mlp.slideWeights(1).toArray()).toEqual([[0.25], [-1], [0], [4]]);
    // slideWeights returns a copy: changing it leaves the network alone
    const copy = mlp.slideWeights(1);
    copy.data[0] = 99;
    expect(mlp.layers[1]!.bias!.toArray()).toEqual([0.25]);
  });

  it('setSlideWeights refuses a matrix of the wrong shape, naming j and the shape expected', () => {
    const mlp = new MLP({ inputs: 2, hidden: [3], seed: 1 });
    expect(() => mlp.setSlideWeights(0, [[1, 2, 3]])).toThrow(ShapeError);
    expect(() => mlp.setSlideWeights(0, [[1, 2, 3]])).toThrow(
      'MLP.setSlideWeights(0, …): expected shape [3, 3] (m(0) + 1 = 3 rows, row 0 the bias; m(1) = 3 columns), got [1, 3]',
    );
    expect(() => mlp.setSlideWeights(1, [[1, 2, 3]])).toThrow(/setSlideWeights\(1, …\).*\[4, 1\]/);
    expect(() => mlp.setSlideWeights(2, [[1]])).toThrow(/j must be an integer from 0 to k = 1/);
    expect(() => mlp.slideWeights(-1)).toThrow(ValueError);
    expect(() => mlp.slideWeights(0.5)).toThrow(ValueError);
  });
});

// ---------------------------------------------------------------- gradients

/** Replaces the MLP's parameters by `ps` (weight, bias per layer) and returns E for inputs x. */
function lossWith(mlp: MLP, y: Mat) {
  return (...ps: Tensor[]): Tensor => {
    mlp.layers.forEach((layer, j) => {
      layer.weight = ps[2 * j] as Tensor;
      layer.bias = ps[2 * j + 1] as Tensor;
    });
    return halfSquaredError(mlp.forward(ps[ps.length - 1] as Tensor), y);
  };
}

/**
 * The first MLP (seeds 11, 12, …) whose pre-activations a⁽ʲ⁾ all lie at least 1e-3 from every
 * kink: central differences are meaningless across one. Weights move a by ~1e-6 per step.
 */
function awayFromKinks(make: (seed: number) => MLP, x: Tensor, kinks: readonly number[]): MLP {
  for (let seed = 11; seed < 61; seed++) {
    const mlp = make(seed);
    const { a } = noGrad(() => mlp.forward(x, { intermediates: true }));
    const near = a.some((t) =>
      Array.from(t.data).some((v) => kinks.some((c) => Math.abs(v - c) < 1e-3)),
    );
    if (!near) return mlp;
  }
  throw new Error('no seed in 11..60 keeps every a⁽ʲ⁾ away from the kinks');
}

describe('MLP gradients = central differences (float64)', () => {
  const entries = activationEntries();
  it('the catalog holds the lecture’s activations', () => {
    const names = entries.map((e) => e.name);
    for (const n of ['sigmoid', 'softsign', 'softmax', 'relu', 'rbf', 'identity', 'tanh']) {
      expect(names).toContain(n);
    }
  });

  for (const entry of entries) {
    for (const k of [0, 1, 2, 3]) {
      it(`${entry.name}, k = ${k}: every parameter and the input`, () => {
        const hidden = [4, 3, 2].slice(0, k);
        const x = tensor(X);
        const y = [
          [0.7, -0.1],
          [-0.2, 0.4],
          [1.1, 0.0],
          [0.3, 0.9],
        ];
        const mlp = awayFromKinks(
          (seed) => new MLP({ inputs: 3, hidden, outputs: 2, activation: entry.name, seed }),
          x,
          entry.kinks ?? [],
        );
        const params = mlp.layers.flatMap((l) => [l.weight, l.bias as Tensor]);
        checkGradients(lossWith(mlp, y), [...params, x]);
      });
    }
  }

  it('a softmax output layer too', () => {
    const mlp = new MLP({
      inputs: 3,
      hidden: [4, 3],
      outputs: 3,
      activation: ['tanh', 'sigmoid'],
      outputActivation: 'softmax',
      seed: 5,
    });
    const y = X.map((_, n) => [0, 1, 2].map((c) => (c === n % 3 ? 1 : 0)));
    const params = mlp.layers.flatMap((l) => [l.weight, l.bias as Tensor]);
    checkGradients(lossWith(mlp, y), [...params, tensor(X)]);
  });
});

// ---------------------------------------------------------------- tracing a⁽ʲ⁾, z⁽ʲ⁾, ∂E/∂a⁽ʲ⁾

/** ∂E/∂a⁽ʲ⁾ for one sample by the slide recursion (p. 16–18), sigmoid f' = f(1 − f). */
function slideRecursion(w: Mat[], a: Vec[], z: Vec[], yE: Vec, y: Vec): Vec[] {
  const k = a.length;
  const dA: Vec[] = new Array(k);
  // ∂E/∂y_E = y_E − y (p. 10–11)
  let upstream = yE.map((v, o) => v - (y[o] as number));
  for (let j = k; j >= 1; j--) {
    const wj = w[j] as Mat; // w⁽ʲ⁾ₚ,q feeds layer j + 1 (the output when j = k)
    const zj = z[j - 1] as Vec;
    const d: Vec = [];
    for (let i = 0; i < zj.length; i++) {
      let s = 0;
      // Σ_q ∂E/∂a_q⁽ʲ⁺¹⁾ w⁽ʲ⁾_{i,q}: row i + 1 of w⁽ʲ⁾, since row 0 is the bias
      for (let q = 0; q < upstream.length; q++) {
        s += (upstream[q] as number) * ((wj[i + 1] as Vec)[q] as number);
      }
      const fPrime = (zj[i] as number) * (1 - (zj[i] as number)); // ∂z_i⁽ʲ⁾/∂a_i⁽ʲ⁾ (p. 15)
      d.push(s * fPrime);
    }
    dA[j - 1] = d;
    upstream = d;
  }
  return dA;
}

describe('MLP forward intermediates', () => {
  const hidden = [4, 3, 2];
  const w = givenWeights([3, ...hidden, 1]);
  const fs = hidden.map(() => plainActivations.sigmoid!);
  const plain = X.map((x) => plainForward(w, fs, x));

  it('returns a⁽ʲ⁾ and z⁽ʲ⁾ of every hidden layer, equal to eqs. 1–3 by hand', () => {
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden }), w);
    const t = mlp.forward(X, { intermediates: true });
    expect(t.a).toHaveLength(3);
    expect(t.z).toHaveLength(3);
    for (let j = 1; j <= 3; j++) {
      expectAllClose(
        t.a[j - 1]!,
        plain.map((p) => p.a[j - 1] as Vec),
      );
      expectAllClose(
        t.z[j - 1]!,
        plain.map((p) => p.z[j - 1] as Vec),
      );
    }
    expectAllClose(
      t.output,
      plain.map((p) => p.yE),
    );
    expectAllClose(
      t.logits,
      plain.map((p) => p.logits),
    );
    // they are the graph's own intermediates, not copies
    expect(t.a[0]!.isLeaf).toBe(false);
    expect(t.z[2]!.inputs).toContain(t.a[2]);
    expect(t.a[1]!.requiresGrad).toBe(true);
  });

  it('∂E/∂a⁽ʲ⁾ read with retainGrad equals the slide recursion of p. 16–18 (sigmoid)', () => {
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden }), w);
    const t = mlp.forward(X, { intermediates: true });
    for (const aj of t.a) aj.retainGrad();
    halfSquaredError(t.output, Y).backward();
    const expected = plain.map((p, n) => slideRecursion(w, p.a, p.z, p.yE, Y[n] as Vec));
    for (let j = 1; j <= 3; j++) {
      expectAllClose(
        t.a[j - 1]!.grad!,
        expected.map((e) => e[j - 1] as Vec),
      );
    }
    // and p. 18: ∂E/∂w⁽ʲ⁻¹⁾ₚ,ᵢ = Σ_n z_p⁽ʲ⁻¹⁾ ∂E/∂a_i⁽ʲ⁾ (z₀ = 1, z⁽⁰⁾ = x)
    for (let j = 1; j <= 3; j++) {
      const zPrev = plain.map((p, n) => [1, ...(j === 1 ? (X[n] as Vec) : (p.z[j - 2] as Vec))]);
      const dA = expected.map((e) => e[j - 1] as Vec);
      const dW = (zPrev[0] as Vec).map((_, p) =>
        (dA[0] as Vec).map((_, i) =>
          zPrev.reduce((s, zn, n) => s + (zn[p] as number) * ((dA[n] as Vec)[i] as number), 0),
        ),
      );
      expectAllClose(mlp.slideGradients(j - 1)!, dW);
    }
    // p. 11: ∂E/∂w_p⁽ᵏ⁾ = Σ_n (y_E − y) z_p⁽ᵏ⁾
    const dOut = [0, 1, 2].map((p) => [
      plain.reduce(
        (s, pl, n) =>
          s +
          ((pl.yE[0] as number) - ((Y[n] as Vec)[0] as number)) *
            (p === 0 ? 1 : ((pl.z[2] as Vec)[p - 1] as number)),
        0,
      ),
    ]);
    expectAllClose(mlp.slideGradients(3)!, dOut);
  });

  it('{ intermediates: { retainGrad: true } } retains every returned tensor', () => {
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden }), w);
    expect(mlp.slideGradients(0)).toBeNull();
    const t = mlp.forward(X, { intermediates: { retainGrad: true } });
    halfSquaredError(t.output, Y).backward();
    for (const u of [...t.a, ...t.z, t.logits, t.output]) expect(u.grad).not.toBeNull();
    const expected = plain.map((p, n) => slideRecursion(w, p.a, p.z, p.yE, Y[n] as Vec));
    expectAllClose(
      t.a[0]!.grad!,
      expected.map((e) => e[0] as Vec),
    );
    // ∂E/∂y_E = y_E − y (p. 10)
    expectAllClose(
      t.output.grad!,
      plain.map((p, n) => [(p.yE[0] as number) - ((Y[n] as Vec)[0] as number)]),
    );
  });

  it('takes { trace } too, the deprecated old name: the same tensors, the same gradients', () => {
    const mlp = withSlideWeights(new MLP({ inputs: 3, hidden }), w);
    const named = mlp.forward(X, { intermediates: { retainGrad: true } });
    const old = mlp.forward(X, { trace: { retainGrad: true } });
    halfSquaredError(named.output, Y).backward();
    halfSquaredError(old.output, Y).backward();
    const all = (t: MLPIntermediates) => [...t.a, ...t.z, t.logits, t.output];
    all(old).forEach((u, i) => {
      expect(Array.from(u.data)).toEqual(Array.from(all(named)[i]!.data));
      expect(Array.from(u.grad!.data)).toEqual(Array.from(all(named)[i]!.grad!.data));
    });
    const plainTrace: MLPTrace = mlp.forward(X, { trace: true });
    expect(plainTrace.a).toHaveLength(3);
    expect(plainTrace.a[0]!.grad).toBeNull();
  });

  it('has no hidden entries for k = 0', () => {
    const t = new MLP({ inputs: 3, hidden: [] }).forward(X, { intermediates: true });
    expect(t.a).toEqual([]);
    expect(t.z).toEqual([]);
    expect(t.output.shape).toEqual([4, 1]);
  });
});

describe('MLP softmax output + cross-entropy', () => {
  it('∂CE/∂(output layer’s a) = softmax − onehot per sample', () => {
    const mlp = new MLP({
      inputs: 3,
      hidden: [5],
      outputs: 3,
      activation: 'relu',
      outputActivation: 'softmax',
      seed: 2,
    });
    const labels = [2, 0, 1, 2];
    const onehot = labels.map((c) => [0, 1, 2].map((i) => (i === c ? 1 : 0)));
    const t = mlp.forward(X, { intermediates: { retainGrad: true } });
    // CE = −Σ_n Σ_c onehot·log softmax(a), from core ops
    tensor(onehot).mul(logSoftmax(t.logits, -1)).sum().neg().backward();
    const logits = rows(t.logits);
    const expected = logits.map((row, n) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v, c) => v / s - ((onehot[n] as Vec)[c] as number));
    });
    expectAllClose(t.logits.grad!, expected);
    expectAllClose(t.output, plainRows(logits, plainActivations.softmax!));
  });
});

function plainRows(m: Mat, f: (a: Vec) => Vec): Mat {
  return m.map(f);
}

// ---------------------------------------------------------------- construction

describe('MLP construction', () => {
  it('same seed → identical weights; different seed → different; config rebuilds it', () => {
    const opts = { inputs: 3, hidden: [4, 2], activation: 'tanh' } as const;
    const a = new MLP({ ...opts, seed: 7 });
    const b = new MLP({ ...opts, seed: 7 });
    const c = new MLP({ ...opts, seed: 8 });
    const rebuilt = new MLP(JSON.parse(JSON.stringify(a.config)));
    a.parameters().forEach((p, i) => {
      expect(Array.from(b.parameters()[i]!.data)).toEqual(Array.from(p.data));
      expect(Array.from(rebuilt.parameters()[i]!.data)).toEqual(Array.from(p.data));
    });
    expect(Array.from(c.layers[0]!.weight.data)).not.toEqual(Array.from(a.layers[0]!.weight.data));
    expect(new MLP({ inputs: 2, hidden: [2] }).config.seed).toBe(0);
  });

  it('stores a normalised, JSON-able config', () => {
    const mlp = new MLP({ inputs: 3, hidden: [4, 2], activation: 'relu', outputs: 2 });
    expect(JSON.parse(JSON.stringify(mlp.config))).toEqual({
      inputs: 3,
      hidden: [4, 2],
      outputs: 2,
      activation: ['relu', 'relu'],
      outputActivation: 'identity',
      init: mlp.config.init,
      seed: 0,
      dtype: 'float64',
    });
    expect(mlp.config.init).toHaveLength(3);
    expect(Object.isFrozen(mlp.config)).toBe(true);
    // defaults per activation fed: He for ReLU-like, Glorot otherwise (the output is linear)
    expect(mlp.config.init).toEqual(['heNormal', 'heNormal', 'xavierUniform']);
    expect(new MLP({ inputs: 3, hidden: [4], activation: 'tanh' }).config.init).toEqual([
      'xavierUniform',
      'xavierUniform',
    ]);
    const named = new MLP({ inputs: 3, hidden: [4], init: 'heNormal' });
    expect(named.config.init).toEqual(['heNormal', 'heNormal']);
  });

  it('marks activations outside the catalog as unnamed (null), and refuses to rebuild from them', () => {
    const cube: Activation = (a) => a.mul(a).mul(a);
    const custom = defineActivation({ name: 'notRegistered', fn: (a) => a.mul(2) });
    const mlp = new MLP({ inputs: 2, hidden: [3, 3], activation: [cube, custom] });
    expect(mlp.config.activation).toEqual([null, null]);
    expect(mlp.toString()).toContain('<cube>');
    expect(() => new MLP(mlp.config)).toThrow(/activation of hidden layer 1 .*null/);
    const unnamedOutput = new MLP({ inputs: 2, hidden: [], outputActivation: (a) => a.mul(3) });
    expect(unnamedOutput.config.outputActivation).toBeNull();
    expect(() => new MLP(unnamedOutput.config)).toThrow(/outputActivation .*null/);
  });

  it('numParameters = Σ (m⁽ʲ⁾ + 1) m⁽ʲ⁺¹⁾ and toString summarises the layers', () => {
    const mlp = new MLP({ inputs: 3, hidden: [4, 2], activation: ['sigmoid', 'relu'] });
    expect(mlp.numParameters()).toBe(4 * 4 + 5 * 2 + 3 * 1);
    const s = mlp.toString();
    expect(s.split('\n')[0]).toBe('MLP(3 → 4 sigmoid → 2 relu → 1 identity)  [29 parameters]');
    expect(s).toContain('(layers.0) Linear(3 → 4)  [16 parameters]');
    expect(s).toContain('weight: [4, 2]');
  });

  it('refuses bad configurations with messages that say what is wrong', () => {
    const bad = (o: object) => () => new MLP({ inputs: 3, hidden: [2], ...o } as never);
    expect(bad({ inputs: 0 })).toThrow('MLP: inputs must be a positive integer, got 0');
    expect(bad({ inputs: -2 })).toThrow(ValueError);
    expect(bad({ inputs: 2.5 })).toThrow(/inputs must be a positive integer, got 2.5/);
    expect(bad({ inputs: '3' })).toThrow(/inputs must be a positive integer/);
    expect(bad({ hidden: [4, 1.5] })).toThrow('MLP: hidden[1] must be a positive integer, got 1.5');
    expect(bad({ hidden: [4, 0] })).toThrow(/hidden\[1\]/);
    expect(bad({ hidden: 4 })).toThrow(/hidden must be an array/);
    expect(bad({ outputs: 0 })).toThrow(/outputs must be a positive integer/);
    expect(bad({ hidden: [4, 3], activation: ['relu'] })).toThrow(
      /activation has 1 entry but there are 2 hidden layers \(hidden: \[4, 3\]\)/,
    );
    expect(bad({ hidden: [], activation: ['relu'] })).toThrow(/activation has 1 entry/);
    expect(bad({ activation: 'sigmoidd' })).toThrow(
      /unknown activation ["']sigmoidd["']; known activations: .*sigmoid.*/,
    );
    expect(bad({ activation: 'nope' })).toThrow(/relu/);
    expect(bad({ outputActivation: 'nope' })).toThrow(
      /outputActivation: unknown activation ["']nope["']/,
    );
    expect(bad({ init: 'glorot' })).toThrow(
      /init of layer 0: unknown initializer ["']glorot["']; known: /,
    );
    expect(bad({ init: ['zeros'] })).toThrow(/init has 1 entries but the network has 2 layers/);
    expect(bad({ seed: Number.NaN })).toThrow(/seed must be an integer/);
    expect(bad({ dtype: 'int8' })).toThrow(/dtype must be 'float64' or 'float32'/);
    expect(() => new MLP(undefined as never)).toThrow(ValueError);
    expect(bad({ activation: new RBF({ learnable: true }) })).toThrow(
      /activation must be an activation name or a function, got the module RBF\(gamma=1, learnable\) \(put modules with parameters.*in a Sequential\)/,
    );
  });

  it('a wrong input width names the layer and both shapes', () => {
    const mlp = new MLP({ inputs: 3, hidden: [4] });
    expect(() => mlp.forward([[1, 2]])).toThrow(ShapeError);
    expect(() => mlp.forward(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { shape: [5, 2] }))).toThrow(
      'MLP layers.0: Linear(3 → 4): expected input with 3 features (shape [batch, 3]), got [5, 2]',
    );
  });
});
