// gradcheck: compares autodiff's gradients with central finite differences in float64.
import { gradients } from './engine.js';
import { BackpropError, ValueError } from './errors.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { checkOptions, optionNames } from './options.js';
import { formatShape, stridesOf } from './shape-math.js';
import { Tensor, type TensorLike, toTensor } from './tensor.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance: an element passes if |analytic − numeric| ≤ atol + rtol·|numeric|. */
  rtol?: number;
  /** Throw a `GradcheckError` with the report when the check fails. */
  raise?: boolean;
}

const GRADCHECK_OPTIONS = optionNames<GradcheckOptions>({
  eps: true,
  atol: true,
  rtol: true,
  raise: true,
});

/** The Jacobian entry that `gradcheck` found furthest from its finite-difference estimate. */
export interface GradcheckWorst {
  /** Which input (argument position). */
  input: number;
  /** The element of that input, as a multi-index. */
  index: number[];
  /** The flat index of the output element whose derivative it is. */
  output: number;
  /** The entry as reverse-mode autodiff gives it. */
  analytic: number;
  /** The entry as central differences estimate it. */
  numeric: number;
  /** |analytic − numeric|. */
  error: number;
}

/** What `gradcheck` found. */
export interface GradcheckReport {
  /** Whether every entry is within the tolerance. */
  ok: boolean;
  /** How many Jacobian entries were compared. */
  checked: number;
  /** The largest |analytic − numeric| over all entries. */
  maxAbsError: number;
  /** The entry that is furthest outside the tolerance (or closest to it, when all pass). */
  worst: GradcheckWorst | null;
  /** A one-line summary for people, naming the worst entry. */
  message: string;
}

/** Thrown by `gradcheck` with `raise: true` when the check fails; `report` says where. */
export class GradcheckError extends BackpropError {
  /** @param report - What `gradcheck` found. */
  constructor(readonly report: GradcheckReport) {
    super(report.message);
  }
}

/**
 * Checks every entry of the Jacobian of `f` at `inputs`: reverse-mode autodiff (one sweep per
 * output element) against central differences (f(x + ε) − f(x − ε)) / 2ε, in float64.
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly TensorLike[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkOptions('gradcheck', options, GRADCHECK_OPTIONS);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  if (!(eps > 0)) throw new ValueError(`gradcheck: eps must be positive, got ${eps}`);
  const xs = inputs.map((x) => {
    const t = toTensor(x).astype('float64').clone();
    t.requiresGrad = true;
    return t;
  });
  // recorded even inside noGrad, or every analytic gradient would be 0
  const y = enableGrad(() => f(...xs));
  if (!(y instanceof Tensor)) throw new ValueError('gradcheck: f must return a Tensor');
  const analytic = Array.from({ length: y.size }, (_, o) => {
    const e = y.zerosLike();
    e.data[o] = 1;
    return gradients([y], xs, { gradOutputs: [e] });
  });

  let worst: GradcheckWorst | null = null;
  let worstExcess = -Infinity;
  let maxAbsError = 0;
  let checked = 0;
  xs.forEach((x, k) => {
    const strides = stridesOf(x.shape);
    for (let i = 0; i < x.size; i++) {
      const saved = x.data[i];
      x.data[i] = saved + eps;
      const plus = noGrad(() => f(...xs)).data.slice();
      x.data[i] = saved - eps;
      const minus = noGrad(() => f(...xs)).data.slice(); // copied: f may return a view of x
      x.data[i] = saved;
      for (let o = 0; o < y.size; o++) {
        const numeric = (plus[o] - minus[o]) / (2 * eps);
        const a = analytic[o]?.[k]?.data[i];
        const error = Math.abs(a - numeric);
        const excess = Number.isNaN(error) ? Infinity : error - (atol + rtol * Math.abs(numeric));
        checked++;
        maxAbsError = Math.max(maxAbsError, Number.isNaN(error) ? Infinity : error);
        if (excess > worstExcess) {
          worstExcess = excess;
          const index = strides.map((s, d) => Math.floor(i / s) % x.shape[d]);
          worst = { input: k, index, output: o, analytic: a, numeric, error };
        }
      }
    }
  });
  const ok = worstExcess <= 0;
  const w = worst as GradcheckWorst | null;
  const message = ok
    ? `gradcheck passed: ${checked} Jacobian entries, max |analytic − numeric| = ${maxAbsError.toExponential(2)}`
    : `gradcheck failed: input ${w?.input} (shape ${formatShape(xs[w?.input ?? 0]?.shape ?? [])}) element [${w?.index.join(', ')}], ` +
      `output element ${w?.output}: analytic ${w?.analytic} vs numeric ${w?.numeric} (|difference| ${w?.error.toExponential(2)}, ` +
      `tolerance atol ${atol} + rtol ${rtol}·|numeric|)`;
  const report: GradcheckReport = { ok, checked, maxAbsError, worst: w, message };
  if (!ok && options.raise) throw new GradcheckError(report);
  return report;
}
