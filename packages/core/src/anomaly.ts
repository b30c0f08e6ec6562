// Anomaly detection: while it is on, every op's output and every gradient is checked for
// NaN/±Infinity, and the first op that made one is named with the line of user code that called it.
import type { GraphNode } from './engine.js';
import { NonFiniteError } from './errors.js';
import { formatShape } from './shape-math.js';
import type { Tensor } from './tensor.js';

let detecting = false;
/** Inside a derivative rule, non-finite values are reported by the sweep, naming the rule's op. */
let inDerivative = 0;

/** Around each derivative rule the sweep runs: its ops leave their non-finite values to `checkGradient`. */
export function enterRule(): void {
  inDerivative++;
}

export function leaveRule(): void {
  inDerivative--;
}

/**
 * Turns anomaly detection on or off. While on, every op checks its output and every gradient
 * for NaN/±Infinity and throws a `NonFiniteError` naming the first op that produced one and the
 * line of user code that created it. It is slow: use it to find a bug, not to train.
 */
export function setDetectAnomaly(enabled: boolean): void {
  detecting = enabled;
}

/** Whether anomaly detection is on (see `setDetectAnomaly`). */
export function isDetectAnomalyEnabled(): boolean {
  return detecting;
}

/** Runs `fn` with anomaly detection on (see `setDetectAnomaly`). */
export function detectAnomaly<T>(fn: () => T): T {
  const saved = detecting;
  detecting = true;
  try {
    return fn();
  } finally {
    detecting = saved;
  }
}

// Frames of this library's own code (source or built), as opposed to the user's (tests included):
// core's, and the layers' and optim's that call it (an MLP's Linear.forward is not the user's
// line). An installed package's frames read src/ too where Node applies its source maps.
const LIBRARY_FRAME = /[\\/](packages|@backprop)[\\/](core|layers|optim)[\\/](src|dist)[\\/]/;
const TEST_FILE = /\.test\.[cm]?[jt]s/;
const RUNTIME_FRAME = /node:internal|\(native\)/;

/** The first stack frame outside this library: where the user called the op. */
function userCallSite(): string {
  const errorClass = Error as { stackTraceLimit?: number }; // V8 keeps only 10 frames by default
  const saved = errorClass.stackTraceLimit;
  errorClass.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  errorClass.stackTraceLimit = saved;
  for (const line of stack.split('\n').slice(1)) {
    const frame = line.trim().replace(/^at /, '');
    const library =
      (LIBRARY_FRAME.test(frame) && !TEST_FILE.test(frame)) || RUNTIME_FRAME.test(frame);
    if (frame && !library) return frame;
  }
  return '(unknown location)';
}

function firstNonFinite(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}

function describe(t: Tensor, i: number, what = 'an output'): string {
  return `${t.data[i]} at flat index ${i} of ${what} of shape ${formatShape(t.shape)}`;
}

/** Anomaly mode: throws if `op` made a non-finite value from finite inputs; returns the call site. */
export function checkForward(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
): string | undefined {
  if (inDerivative > 0) return undefined;
  const site = userCallSite();
  const bad = firstNonFinite(output);
  if (bad >= 0 && inputs.every((x) => firstNonFinite(x) < 0)) {
    throw new NonFiniteError(
      `${op} produced ${describe(output, bad)} from finite inputs; the op was called at ${site}`,
    );
  }
  return site;
}

/** Anomaly mode: throws if a derivative rule made a non-finite gradient from a finite one. */
export function checkGradient(node: GraphNode, i: number, gi: Tensor, g: Tensor): void {
  const bad = firstNonFinite(gi);
  if (bad >= 0 && firstNonFinite(g) < 0) {
    throw new NonFiniteError(
      `the gradient of ${node.op} (input ${i}) became ${describe(gi, bad, 'a gradient')} from a finite output ` +
        `gradient; the op was called at ${node.site ?? '(unknown location)'}`,
    );
  }
}
