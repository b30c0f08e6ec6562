// Tests of the losses: values against plain loops and closed forms written here, each reduction,
// gradients against central differences and against their closed forms, stability at ±1000, errors.
import {
  DTypeError,
  grad,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import {
  binaryCrossEntropy,
  crossEntropy,
  halfSquaredError,
  huber,
  type LossOptions,
  mae,
  mse,
  type Reduction,
} from './losses.js';

type Matrix = number[][];

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

/** A float64 leaf that requires grad. */
const leaf = (value: number | number[] | Matrix) => tensor(value, { requiresGrad: true });

/** The plain-JS reduction of per-sample (or per-element) values. */
function reduceJS(values: number[], reduction: Reduction): number | number[] {
  const total = values.reduce((a, b) => a + b, 0);
  if (reduction === 'none') return values;
  return reduction === 'sum' ? total : total / values.length;
}

const sigmoidJS = (x: number) => 1 / (1 + Math.exp(-x));

/** Softmax of one row, shifted by its maximum so the reference cannot overflow. */
function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** −log softmax(row)[c] for every c, as m + log Σ exp(x − m) − x_c. */
function negLogSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => lse - v);
}

// ---------------------------------------------------------------- halfSquaredError

describe('halfSquaredError (p. 10)', () => {
  const yE: Matrix = [
    [0.5, -1],
    [2, 0],
    [1.5, 3],
  ];
  const y: Matrix = [
    [1, 1],
    [1, 0],
    [-0.5, 2],
  ];
  // per-sample E = Σ over outputs of ½(y_E − y)², with plain loops
  const perSample = yE.map((row, i) =>
    row.reduce((e, v, k) => e + 0.5 * (v - (y[i]?.[k] as number)) ** 2, 0),
  );

  it('computes E per sample, summed over outputs, for each reduction', () => {
    expect(perSample).toEqual([2.125, 0.5, 2.5]); // ½(0.25 + 4), ½(1 + 0), ½(4 + 1) by hand
    for (const reduction of REDUCTIONS) {
      expectAllClose(
        halfSquaredError(tensor(yE), y, { reduction }),
        reduceJS(perSample, reduction),
      );
    }
  });

  it("defaults to 'sum' over samples", () => {
    expectAllClose(halfSquaredError(tensor(yE), y), 5.125);
  });

  it('treats a 1-D tensor as samples of one output each, and a scalar as one sample', () => {
    const oneOutput = [0.125, 0.5]; // ½(0.5 − 1)², ½(2 − 1)²
    for (const reduction of REDUCTIONS) {
      expectAllClose(
        halfSquaredError(tensor([0.5, 2]), [1, 1], { reduction }),
        reduceJS(oneOutput, reduction),
      );
      expectAllClose(halfSquaredError(tensor(3), 1, { reduction }), 2); // ½(3 − 1)²
    }
  });

  it('sums every axis after the first for one E per sample', () => {
    const a = randn([2, 3, 2], { seed: 1 });
    const b = randn([2, 3, 2], { seed: 2 });
    const expected = [0, 1].map((s) => {
      let e = 0;
      for (let j = 0; j < 6; j++) {
        const k = s * 6 + j;
        e += 0.5 * ((a.data[k] as number) - (b.data[k] as number)) ** 2;
      }
      return e;
    });
    expectAllClose(halfSquaredError(a, b, { reduction: 'none' }), expected);
  });

  it('has the gradient y_E − y of p. 11 for every sample with the default sum', () => {
    const p = leaf(yE);
    halfSquaredError(p, y).backward();
    expectAllClose(
      p.grad as Tensor,
      yE.map((row, i) => row.map((v, k) => v - (y[i]?.[k] as number))),
    );
  });

  it("divides that gradient by the batch size with 'mean'", () => {
    const p = leaf(yE);
    halfSquaredError(p, y, { reduction: 'mean' }).backward();
    expectAllClose(
      p.grad as Tensor,
      yE.map((row, i) => row.map((v, k) => (v - (y[i]?.[k] as number)) / 3)),
    );
  });

  it('gives p. 11: ∂E/∂w_p = (y_E − y) z_p for a linear output y_E = Σ w_p z_p (p. 5, eq. 4)', () => {
    const z = [1, 0.3, -0.7, 0.9]; // z_0 = 1 carries the bias
    const w = leaf([0.2, -0.5, 0.1, 0.4]);
    const target = 0.25;
    const out = w.mul(z).sum(); // y_E
    halfSquaredError(out, target).backward();
    const err = z.reduce((s, v, p) => s + v * (w.data[p] as number), 0) - target;
    expectAllClose(
      w.grad as Tensor,
      z.map((v) => err * v),
    );
  });

  for (const reduction of REDUCTIONS) {
    it(`computes the gradient (both arguments) with reduction '${reduction}'`, () => {
      checkGradients(
        (a, b) => halfSquaredError(a, b, { reduction }),
        [randn([4, 3], { seed: 3 }), randn([4, 3], { seed: 4 })],
      );
    });
  }
});

// ---------------------------------------------------------------- mse, mae, huber

interface Elementwise {
  name: string;
  loss: (p: Tensor, t: Tensor | number[] | Matrix, o?: LossOptions) => Tensor;
  /** The loss of one difference d = prediction − target, by its closed form. */
  f: (d: number) => number;
  /** Its derivative with respect to the prediction (the convention at kinks as documented). */
  df: (d: number) => number;
}

const huberJS = (delta: number) => (d: number) =>
  Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta); // PyTorch's definition

const elementwiseLosses: Elementwise[] = [
  { name: 'mse', loss: mse, f: (d) => d * d, df: (d) => 2 * d },
  { name: 'mae', loss: mae, f: Math.abs, df: Math.sign },
  {
    name: 'huber (δ = 1, default)',
    loss: huber,
    f: huberJS(1),
    df: (d) => Math.max(-1, Math.min(1, d)),
  },
  {
    name: 'huber (δ = 0.5)',
    loss: (p, t, o) => huber(p, t, { ...o, delta: 0.5 }),
    f: huberJS(0.5),
    df: (d) => Math.max(-0.5, Math.min(0.5, d)),
  },
];

describe.each(elementwiseLosses)('$name', ({ loss, f, df }) => {
  const p = randn([3, 4], { seed: 11 }).mul(2);
  const t = randn([3, 4], { seed: 12 });
  const diffs = Array.from(p.data, (v, i) => v - (t.data[i] as number));

  for (const reduction of REDUCTIONS) {
    it(`computes its value with reduction '${reduction}'`, () => {
      const expected = reduceJS(diffs.map(f), reduction);
      const got = loss(p, t, { reduction });
      if (reduction === 'none') {
        expect(got.shape).toEqual([3, 4]);
        expectAllClose(got.reshape([12]), expected);
      } else expectAllClose(got, expected);
    });

    it(`computes the gradient (both arguments) with reduction '${reduction}'`, () => {
      checkGradients((a, b) => loss(a, b, { reduction }), [p, t]);
    });
  }

  it("defaults to 'mean' over all elements", () => {
    expectAllClose(loss(p, t), reduceJS(diffs.map(f), 'mean'));
  });

  it('has its closed-form gradient, divided by the element count for the mean', () => {
    const x = tensor(p, { requiresGrad: true });
    loss(x, t).backward();
    expectAllClose(
      (x.grad as Tensor).reshape([12]),
      diffs.map((d) => df(d) / 12),
    );
  });
});

describe('mse, mae and huber: known values', () => {
  it('match values worked by hand (PyTorch gives the same)', () => {
    expectAllClose(mse(tensor([1, 2, 3]), [1, 2, 5]), 4 / 3);
    expectAllClose(mae(tensor([1, 2, 3]), [2, 2, 5]), 1);
    expectAllClose(huber(tensor([0.5, 3]), [0, 0]), 1.3125); // (0.125 + 2.5) / 2
    expectAllClose(huber(tensor([0.5, 3]), [0, 0], { delta: 2 }), 2.0625); // (0.125 + 2·(3 − 1)) / 2
  });

  it('gives mae a zero gradient where prediction equals target', () => {
    const x = leaf([1, 2]);
    mae(x, [1, 3], { reduction: 'sum' }).backward();
    expectAllClose(x.grad as Tensor, [0, -1]);
  });
});

describe('huber at the boundary |x| = δ', () => {
  for (const delta of [1, 0.25, 3]) {
    it(`is ½δ² with gradient δ·sign(x) at x = ±δ, continuous on both sides (δ = ${delta})`, () => {
      const x = leaf([delta, -delta]);
      const value = huber(x, [0, 0], { delta, reduction: 'none' });
      expectAllClose(value, [0.5 * delta * delta, 0.5 * delta * delta]);
      value.sum().backward();
      expectAllClose(x.grad as Tensor, [delta, -delta]);
      // just inside (quadratic piece) and just outside (linear piece) agree to first order
      const h = 1e-9 * delta;
      const near = huber(tensor([delta - h, delta + h]), [0, 0], { delta, reduction: 'none' });
      expectAllClose(near, [0.5 * (delta - h) ** 2, delta * (delta + h - 0.5 * delta)]);
      expectAllClose(near, [0.5 * delta * delta - delta * h, 0.5 * delta * delta + delta * h], {
        atol: 1e-15,
        rtol: 1e-12,
      });
    });
  }

  it('computes the gradient across the boundary (central differences straddle it)', () => {
    checkGradients(
      (a) => huber(a, [0, 0, 0], { delta: 0.5, reduction: 'sum' }),
      [tensor([0.5, -0.5, 0.4999999])],
    );
  });
});

// ---------------------------------------------------------------- crossEntropy

describe('crossEntropy', () => {
  const logits: Matrix = [
    [2, 0, -1],
    [0.5, 1.5, 0.25],
    [-1, -2, 3],
    [0, 0, 0],
  ];
  const classes = [0, 1, 2, 1];
  const oneHot = classes.map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0)));
  const perSample = logits.map((row, i) => negLogSoftmaxRow(row)[classes[i] as number] as number);

  for (const reduction of REDUCTIONS) {
    it(`computes −log softmax[class] from class indices with reduction '${reduction}'`, () => {
      expectAllClose(
        crossEntropy(tensor(logits), classes, { reduction }),
        reduceJS(perSample, reduction),
      );
    });
  }

  it("defaults to 'mean' over samples", () => {
    expectAllClose(crossEntropy(tensor(logits), classes), reduceJS(perSample, 'mean'));
  });

  it('accepts class indices as a number array, an Int32Array or a tensor, and one-hot rows', () => {
    const expected = reduceJS(perSample, 'none');
    for (const target of [classes, Int32Array.from(classes), tensor(classes), tensor(oneHot)]) {
      expectAllClose(crossEntropy(tensor(logits), target, { reduction: 'none' }), expected);
    }
  });

  it('computes −Σ t_c log softmax_c for probabilities (soft labels)', () => {
    const probs: Matrix = [
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
      [1 / 3, 1 / 3, 1 / 3],
      [0, 0.5, 0.5],
    ];
    const expected = logits.map((row, i) =>
      negLogSoftmaxRow(row).reduce((s, v, c) => s + (probs[i]?.[c] as number) * v, 0),
    );
    for (const reduction of REDUCTIONS) {
      expectAllClose(
        crossEntropy(tensor(logits), probs, { reduction }),
        reduceJS(expected, reduction),
      );
    }
  });

  it("has the gradient (softmax − onehot) / batch with 'mean'", () => {
    const x = leaf(logits);
    crossEntropy(x, classes).backward();
    expectAllClose(
      x.grad as Tensor,
      logits.map((row, i) => softmaxRow(row).map((s, c) => (s - (oneHot[i]?.[c] as number)) / 4)),
    );
  });

  it("has the gradient softmax − onehot per sample with 'sum', for indices and one-hot alike", () => {
    for (const target of [classes, oneHot]) {
      const x = leaf(logits);
      crossEntropy(x, target, { reduction: 'sum' }).backward();
      expectAllClose(
        x.grad as Tensor,
        logits.map((row, i) => softmaxRow(row).map((s, c) => s - (oneHot[i]?.[c] as number))),
      );
    }
  });

  for (const reduction of REDUCTIONS) {
    it(`computes the gradient from class indices with reduction '${reduction}'`, () => {
      checkGradients(
        (x) => crossEntropy(x, [2, 0, 4], { reduction }),
        [randn([3, 5], { seed: 21 }).mul(3)],
      );
    });

    it(`computes the gradient wrt logits and probabilities with reduction '${reduction}'`, () => {
      checkGradients(
        (x, t) => crossEntropy(x, t, { reduction }),
        [randn([3, 5], { seed: 22 }), randn([3, 5], { seed: 23 }).abs()],
      );
    });
  }

  it('is exact and finite at logits ±1000', () => {
    const x = leaf([
      [1000, -1000],
      [1000, -1000],
    ]);
    const loss = crossEntropy(x, [0, 1], { reduction: 'none' });
    expectAllClose(loss, [0, 2000]); // −log softmax: 0 for the winner, 1000 − (−1000) for the loser
    loss.sum().backward();
    expectAllClose(x.grad as Tensor, [
      [0, 0],
      [1, -1],
    ]); // softmax − onehot, softmax = [1, 0] to rounding
    expectAllClose(crossEntropy(tensor([[-1000, 1000, 0]]), [[0, 1, 0]]), 0);
    expectAllClose(crossEntropy(tensor([[1000, 1000]]), [1]), Math.LN2);
  });

  it('keeps float32', () => {
    const loss = crossEntropy(tensor(logits, { dtype: 'float32' }), classes);
    expect(loss.dtype).toBe('float32');
    expectAllClose(loss, reduceJS(perSample, 'mean'), { atol: 1e-6, rtol: 1e-6 });
  });

  it('names the sample whose class index is out of range or not an integer', () => {
    const x = tensor(logits);
    expect(() => crossEntropy(x, [0, 1, 3, 0])).toThrow(ValueError);
    expect(() => crossEntropy(x, [0, 1, 3, 0])).toThrow(/sample 2 is 3.*0 to 2/);
    expect(() => crossEntropy(x, [0, -1, 0, 0])).toThrow(/sample 1 is -1/);
    expect(() => crossEntropy(x, [0, 1, 1.5, 0])).toThrow(/sample 2 is 1\.5.*integers/);
    expect(() => crossEntropy(x, Int32Array.from([0, 0, 0, 7]))).toThrow(/sample 3 is 7/);
  });

  it('refuses targets of other shapes, with both shapes in the message', () => {
    const x = tensor(logits);
    expect(() => crossEntropy(x, [0, 1, 2])).toThrow(ShapeError);
    expect(() => crossEntropy(x, [0, 1, 2])).toThrow(/crossEntropy.*\[3\].*\[4, 3\]/);
    expect(() => crossEntropy(x, [[0], [1], [2], [1]])).toThrow(/\[4, 1\].*reshape\(\[4\]\)/);
    expect(() => crossEntropy(x, oneHot.slice(0, 3))).toThrow(ShapeError);
  });

  it('requires logits of shape [batch, classes]', () => {
    expect(() => crossEntropy(tensor([1, 2, 3]), [0])).toThrow(ShapeError);
    expect(() => crossEntropy(tensor([1, 2, 3]), [0])).toThrow(
      /\[batch, classes\].*unsqueeze\(0\)/,
    );
    expect(() => crossEntropy(randn([2, 2, 2]), [0, 1])).toThrow(/got \[2, 2, 2\]/);
  });
});

// ---------------------------------------------------------------- binaryCrossEntropy

describe('binaryCrossEntropy', () => {
  const x = [
    [2, -1.5, 0.3],
    [-0.2, 4, -3],
  ];
  const t = [
    [1, 0, 0.25],
    [0, 1, 1],
  ];
  // the textbook form −t log σ(x) − (1 − t) log(1 − σ(x)), safe at these moderate logits
  const perElement = x.flatMap((row, i) =>
    row.map((v, k) => {
      const y = t[i]?.[k] as number;
      return -y * Math.log(sigmoidJS(v)) - (1 - y) * Math.log(1 - sigmoidJS(v));
    }),
  );

  for (const reduction of REDUCTIONS) {
    it(`computes −t log σ(x) − (1 − t) log(1 − σ(x)) with reduction '${reduction}'`, () => {
      const got = binaryCrossEntropy(tensor(x), t, { reduction });
      if (reduction === 'none') {
        expect(got.shape).toEqual([2, 3]);
        expectAllClose(got.reshape([6]), perElement);
      } else expectAllClose(got, reduceJS(perElement, reduction));
    });

    it(`computes the gradient (logits and targets) with reduction '${reduction}'`, () => {
      checkGradients(
        (a, b) => binaryCrossEntropy(a, b, { reduction }),
        [randn([3, 4], { seed: 31 }).mul(3), randn([3, 4], { seed: 32 }).sigmoid()],
      );
    });
  }

  it("defaults to 'mean'; log 2 at logit 0 (PyTorch gives the same)", () => {
    expectAllClose(binaryCrossEntropy(tensor(x), t), reduceJS(perElement, 'mean'));
    expectAllClose(binaryCrossEntropy(tensor([0]), [1]), Math.LN2);
  });

  it("has the gradient σ(x) − t, divided by the element count with 'mean', also at x = 0", () => {
    const values = [...x, [0, 0, 0]];
    const targets = [...t, [0, 1, 0.5]];
    const logits = leaf(values);
    binaryCrossEntropy(logits, targets).backward();
    expectAllClose(
      logits.grad as Tensor,
      values.map((row, i) => row.map((v, k) => (sigmoidJS(v) - (targets[i]?.[k] as number)) / 9)),
    );
  });

  it('is exact and finite at logits ±1000, with gradient σ(x) − t', () => {
    const logits = leaf([1000, -1000, 1000, -1000]);
    const loss = binaryCrossEntropy(logits, [1, 0, 0, 1], { reduction: 'none' });
    expectAllClose(loss, [0, 0, 1000, 1000]); // −log σ(1000) = 0, −log σ(−1000) = 1000
    loss.sum().backward();
    expectAllClose(logits.grad as Tensor, [0, 0, 1, -1]);
  });

  it('has the second derivative σ(x)(1 − σ(x)) (its gradient is itself differentiable)', () => {
    const values = [-2, -0.5, 0.7, 3];
    const d2 = grad((z: Tensor) =>
      grad((u: Tensor) => binaryCrossEntropy(u, [1, 0, 1, 0], { reduction: 'sum' }))(z).sum(),
    )(tensor(values));
    expectAllClose(
      d2,
      values.map((v) => sigmoidJS(v) * (1 - sigmoidJS(v))),
    );
  });
});

// ---------------------------------------------------------------- errors shared by every loss

const everyLoss: [string, (p: Tensor, t: number[] | Matrix | Tensor, o?: object) => Tensor][] = [
  ['halfSquaredError', halfSquaredError],
  ['mse', mse],
  ['mae', mae],
  ['huber', huber],
  ['binaryCrossEntropy', binaryCrossEntropy],
];

describe.each(everyLoss)('%s: errors', (name, loss) => {
  it('refuses [4, 1] against [4] instead of broadcasting, naming both shapes and reshape', () => {
    const p = randn([4, 1]);
    const t = [0, 1, 0, 1];
    expect(() => loss(p, t)).toThrow(ShapeError);
    expect(() => loss(p, t)).toThrow(
      new RegExp(`^${name}: prediction has shape \\[4, 1\\] but target has shape \\[4\\].*reshape`),
    );
    expect(() => loss(randn([4]), [[0], [1], [0], [1]])).toThrow(/\[4\].*\[4, 1\].*reshape/);
  });

  it('refuses shapes of different sizes', () => {
    expect(() => loss(randn([2, 3]), [1, 0, 1])).toThrow(ShapeError);
    expect(() => loss(randn([2, 3]), [1, 0, 1])).toThrow(/\[2, 3\].*\[3\]/);
  });

  it('refuses an unknown reduction, listing the valid ones', () => {
    const call = () => loss(randn([2]), [0, 1], { reduction: 'avg' });
    expect(call).toThrow(ValueError);
    expect(call).toThrow(`${name}: unknown reduction "avg"; expected one of 'mean', 'sum', 'none'`);
  });

  it('refuses an unknown option (a typo would otherwise be ignored)', () => {
    expect(() => loss(randn([2]), [0, 1], { reductoin: 'sum' })).toThrow(
      `${name}: unknown option "reductoin" (did you mean "reduction"?); it takes reduction`,
    );
  });

  it('refuses mixed dtypes, and takes a plain target in the prediction dtype', () => {
    const p = randn([2], { dtype: 'float32' });
    expect(() => loss(p, tensor([0, 1]))).toThrow(DTypeError);
    expect(loss(p, [0, 1]).dtype).toBe('float32');
  });

  it("refuses the 'mean' of an empty batch instead of returning NaN", () => {
    expect(() => loss(randn([0, 2]), randn([0, 2]), { reduction: 'mean' })).toThrow(/empty batch/);
    expectAllClose(loss(randn([0, 2]), randn([0, 2]), { reduction: 'sum' }), 0);
  });
});

describe('crossEntropy: option errors', () => {
  it('refuses an unknown reduction, listing the valid ones', () => {
    expect(() => crossEntropy(randn([2, 3]), [0, 1], { reduction: 'avg' as Reduction })).toThrow(
      "crossEntropy: unknown reduction \"avg\"; expected one of 'mean', 'sum', 'none'",
    );
  });
});

describe('huber: delta', () => {
  it('must be a finite number > 0', () => {
    for (const delta of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => huber(randn([2]), [0, 1], { delta })).toThrow(/huber: delta must be/);
    }
  });
});
