// Grad mode: whether ops record the graph. Off inside `noGrad`, and, for speed, while the
// reverse sweep runs derivative rules that need no graph of their own.
let gradEnabled = true;

/** Whether ops currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets grad mode and returns what it was (the sweep switches it around every derivative rule). */
export function setGradMode(enabled: boolean): boolean {
  const saved = gradEnabled;
  gradEnabled = enabled;
  return saved;
}

/** Runs `fn` with grad mode `enabled`, then restores it. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const saved = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = saved;
  }
}

/** Runs `fn` without recording any graph: results need no gradient (like `torch.no_grad`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
