// Hand-written plain JS: no library, just loops over typed arrays, written the way a competent
// person would by hand (arrays allocated once, no allocation per step; nothing heroic: no SIMD,
// no WebAssembly, no unrolling beyond a 4×4 register block). The reference for "how much does
// the library cost over writing it yourself". Each process runs one dtype (--dtype=), so V8 sees
// one typed-array kind.
// Usage: tsx benchmarks/src/plain.ts <A|B|C|K> [--quick] [--dtype=float32|float64]
import {
  allBatches,
  benchMatmul,
  benchTraining,
  childArgs,
  coldLoop,
  type Dtype,
  emitCold,
  guard,
  matmulInputs,
  specC,
  type TrainSpec,
} from './common.js';

const LIB = 'plain-js';
const { workload, quick, dtype: onlyDtype } = childArgs();

type Arr = Float32Array | Float64Array;
const alloc = (dtype: Dtype, n: number): Arr =>
  dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
const copyOf = (dtype: Dtype, a: ArrayLike<number>): Arr =>
  dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a);

// ------------------------------------------------------------------ A: matmul (one result array, reused by every call)

/** C = A·B, n×n row-major, the plain triple loop in i-k-j order (rows of B and C read in order). */
function matmulNaive(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ci + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + aik * b[bk + j];
    }
  }
}

/**
 * C = A·B with a 4×4 register block: 16 sums of a 4-row × 4-column tile of C kept in locals over
 * the whole k loop (8 loads for 16 multiply-adds). n must be a multiple of 4.
 */
function matmulBlocked(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  if (n % 4 !== 0) throw new Error(`matmulBlocked: n = ${n} is not a multiple of 4`);
  for (let i = 0; i < n; i += 4) {
    const a0 = i * n;
    const a1 = a0 + n;
    const a2 = a1 + n;
    const a3 = a2 + n;
    // biome-ignore format: the 4×4 tile reads best as a grid
    for (let j = 0; j < n; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, bk = j; k < n; k++, bk += n) {
        const b0 = b[bk];
        const b1 = b[bk + 1];
        const b2 = b[bk + 2];
        const b3 = b[bk + 3];
        const x0 = a[a0 + k];
        const x1 = a[a1 + k];
        const x2 = a[a2 + k];
        const x3 = a[a3 + k];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      const r0 = a0 + j;
      const r1 = a1 + j;
      const r2 = a2 + j;
      const r3 = a3 + j;
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    }
  }
}

/** Largest |c − A·B| over a few entries, A·B summed in float64: a check that the loops are right. */
function matmulError(a: Float32Array, b: Float32Array, c: Float32Array, n: number): number {
  let err = 0;
  for (const [i, j] of [
    [0, 0],
    [1, n - 1],
    [n - 1, 2],
    [n >> 1, (n >> 1) + 3],
    [n - 1, n - 1],
  ] as const) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
    err = Math.max(err, Math.abs(s - c[i * n + j]));
  }
  return err;
}

// ------------------------------------------------------------------ B, C: an MLP by hand

const LINEAR = 0;
const SIGMOID = 1;
const RELU = 2;
const ACT = { linear: LINEAR, sigmoid: SIGMOID, relu: RELU } as const;

/** out = act(inp·w + b) for a batch of rows; w is nIn×nOut row-major. */
function denseForward(
  inp: Arr,
  w: Arr,
  b: Arr,
  out: Arr,
  batch: number,
  nIn: number,
  nOut: number,
  act: number,
): void {
  for (let s = 0; s < batch; s++) {
    const o = s * nOut;
    for (let j = 0; j < nOut; j++) out[o + j] = b[j];
    for (let i = 0, si = s * nIn; i < nIn; i++) {
      const v = inp[si + i];
      const wi = i * nOut;
      for (let j = 0; j < nOut; j++) out[o + j] = out[o + j] + v * w[wi + j];
    }
    if (act === SIGMOID) {
      for (let j = o; j < o + nOut; j++) out[j] = 1 / (1 + Math.exp(-out[j]));
    } else if (act === RELU) {
      for (let j = o; j < o + nOut; j++) if (out[j] < 0) out[j] = 0;
    }
  }
}

/**
 * Σ(o−y)² over `count` outputs, and g = scale·(o−y)·act'(o), the gradient at the output layer's
 * pre-activation (scale = ∂loss/∂Σ(o−y)² · 2).
 */
function squaredError(o: Arr, y: Arr, g: Arr, count: number, scale: number, act: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const oi = o[i];
    const e = oi - y[i];
    sum += e * e;
    let gi = scale * e;
    if (act === SIGMOID) gi *= oi * (1 - oi);
    else if (act === RELU && oi <= 0) gi = 0;
    g[i] = gi;
  }
  return sum;
}

/** gIn = (g·wᵀ) ⊙ act'(inp): the gradient at the previous layer's pre-activation (inp = its output). */
function denseBackwardInput(
  g: Arr,
  w: Arr,
  inp: Arr,
  gIn: Arr,
  batch: number,
  nIn: number,
  nOut: number,
  actIn: number,
): void {
  for (let s = 0; s < batch; s++) {
    const so = s * nOut;
    for (let i = 0, si = s * nIn; i < nIn; i++) {
      const wi = i * nOut;
      let t = 0;
      for (let j = 0; j < nOut; j++) t += g[so + j] * w[wi + j];
      const hv = inp[si + i];
      if (actIn === SIGMOID) t *= hv * (1 - hv);
      else if (actIn === RELU && hv <= 0) t = 0;
      gIn[si + i] = t;
    }
  }
}

/** SGD on one layer: w −= lr·inpᵀ·g (one row of w at a time, summed in `row`), b −= lr·Σ_s g. */
function denseSgd(
  inp: Arr,
  g: Arr,
  w: Arr,
  b: Arr,
  row: Arr,
  batch: number,
  nIn: number,
  nOut: number,
  lr: number,
): void {
  for (let i = 0; i < nIn; i++) {
    row.fill(0, 0, nOut);
    for (let s = 0; s < batch; s++) {
      const v = inp[s * nIn + i];
      const so = s * nOut;
      for (let j = 0; j < nOut; j++) row[j] = row[j] + v * g[so + j];
    }
    const wi = i * nOut;
    for (let j = 0; j < nOut; j++) w[wi + j] = w[wi + j] - lr * row[j];
  }
  for (let j = 0; j < nOut; j++) {
    let t = 0;
    for (let s = 0; s < batch; s++) t += g[s * nOut + j];
    b[j] = b[j] - lr * t;
  }
}

/**
 * The MLP of `spec` (layer l: z = h·W + b, W is in×out row-major, then its activation), trained
 * by hand-written forward, backward and SGD over typed arrays of `dtype`. Every buffer is made
 * here once; a step allocates nothing. The loops live in the small per-layer functions above, as
 * one would write them anyway: with all of them inlined in the step function, V8 on-stack-replaced
 * it during the first step, before the backward loops had run, and then deoptimised that code
 * again at every step ("insufficient type feedback"): B ran about 1.5× slower.
 */
function trainer(spec: TrainSpec, dtype: Dtype): (k: number) => number {
  const layers = spec.init.length;
  const batch = spec.batch;
  const lr = spec.lr;
  const sizeIn = spec.init.map((l) => l.inSize);
  const sizeOut = spec.init.map((l) => l.outSize);
  const act: number[] = spec.init.map(
    (_, l) => ACT[l < layers - 1 ? (spec.hidden[l] as 'sigmoid' | 'relu') : spec.output],
  );
  const w = spec.init.map((l) => copyOf(dtype, l.w));
  const b = spec.init.map((l) => copyOf(dtype, l.b));
  /** h[l]: layer l's output (after its activation), batch × out */
  const h = sizeOut.map((n) => alloc(dtype, batch * n));
  /** dz[l]: ∂loss/∂(layer l's pre-activation), batch × out */
  const dz = sizeOut.map((n) => alloc(dtype, batch * n));
  /** one row of ∂loss/∂W, summed over the batch before it updates W */
  const row = alloc(dtype, Math.max(...sizeOut));
  const count = batch * sizeOut[layers - 1];
  const mse = spec.loss === 'mse';
  // loss = mean((o−y)²) or ½·mean((o−y)²); scale = ∂loss/∂(o−y) ÷ (o−y)
  const lossScale = mse ? 1 / count : 0.5 / count;
  const gradScale = 2 * lossScale;
  const d = spec.sizes[0];
  const batches = allBatches(spec).map(([x, y]) => [copyOf(dtype, x), copyOf(dtype, y)]);
  if (batches.some(([x]) => (x as Arr).length !== batch * d)) throw new Error('bad batch size');

  return (k) => {
    const [x, y] = batches[k % batches.length] as [Arr, Arr];
    for (let l = 0; l < layers; l++) {
      const inp = l === 0 ? x : (h[l - 1] as Arr);
      denseForward(
        inp,
        w[l] as Arr,
        b[l] as Arr,
        h[l] as Arr,
        batch,
        sizeIn[l],
        sizeOut[l],
        act[l],
      );
    }
    const top = layers - 1;
    const loss =
      lossScale * squaredError(h[top] as Arr, y, dz[top] as Arr, count, gradScale, act[top]);
    // backward, top layer first: the gradient below (with the old W), then W and b updated
    for (let l = top; l >= 0; l--) {
      const inp = l === 0 ? x : (h[l - 1] as Arr);
      const nIn = sizeIn[l];
      const nOut = sizeOut[l];
      if (l > 0) {
        denseBackwardInput(
          dz[l] as Arr,
          w[l] as Arr,
          inp,
          dz[l - 1] as Arr,
          batch,
          nIn,
          nOut,
          act[l - 1],
        );
      }
      denseSgd(inp, dz[l] as Arr, w[l] as Arr, b[l] as Arr, row, batch, nIn, nOut, lr);
    }
    return loss;
  };
}

await guard(LIB, workload, () => {
  switch (workload) {
    case 'A': {
      const { a: a64, b: b64, n } = matmulInputs();
      const a = Float32Array.from(a64);
      const b = Float32Array.from(b64);
      const c = new Float32Array(n * n);
      for (const [variant, mm] of [
        ['float32, naive loop (i-k-j)', matmulNaive],
        ['float32, 4×4 register-blocked', matmulBlocked],
      ] as const) {
        mm(a, b, c, n);
        const err = matmulError(a, b, c, n);
        if (!(err < 1e-3)) throw new Error(`${variant}: wrong result (error ${err})`);
        benchMatmul(LIB, variant, n, quick, () => {
          mm(a, b, c, n);
          return c[0];
        });
      }
      break;
    }
    case 'B':
    case 'C':
      benchTraining(LIB, workload, quick, onlyDtype, trainer);
      break;
    case 'K': {
      // C's first steps in a fresh process: what hand-written loops get before V8 has warmed up
      const spec = specC(quick);
      const d = onlyDtype ?? 'float64';
      emitCold(
        LIB,
        d,
        coldLoop(spec, () => trainer(spec, d)),
      );
      break;
    }
    default:
      throw new Error(`plain-js has no workload ${workload}`);
  }
});
