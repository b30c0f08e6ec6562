// The transforms in progress (`jvp`, `vmap`), innermost last. Each is a frame that maps the
// tensors its function sees to what it carries beside them: a tangent (jvp), or the values of
// the whole batch with the batch axis first (vmap). The door (primitive.ts) consults the stack;
// op files never see it.
import type { Tensor } from './tensor.js';

/** A forward-mode frame (a tangent per tensor) or a batching frame (a batched value per tensor). */
export interface Frame {
  readonly kind: 'jvp' | 'vmap';
  /** Which transform opened it, for errors ('jvp', 'vmap'). */
  readonly name: string;
  /** jvp: each tensor's tangent (same shape); vmap: each tensor's batch, shape [size, ...shape]. */
  readonly values: WeakMap<Tensor, Tensor>;
  /** vmap: the batch size. */
  readonly size: number;
}

const frames: Frame[] = [];
// frames at `depth` and above are set aside while a frame's rule runs: its ops belong to the
// frames below it (JAX's levels), which is what keeps nested transforms apart
let depth = 0;

/** How many frames ops see now (0 on the fast path: no transform in progress). */
export function activeDepth(): number {
  return depth;
}

/** The frame at `level` (0 is the outermost). */
export function frameAt(level: number): Frame {
  return frames[level] as Frame;
}

/**
 * The innermost frame that carries something for one of `inputs`, or −1. Only frames below
 * `depth` are seen.
 */
export function innermostFrame(inputs: readonly Tensor[]): number {
  for (let k = depth - 1; k >= 0; k--) {
    const values = (frames[k] as Frame).values;
    for (let i = 0; i < inputs.length; i++) if (values.has(inputs[i] as Tensor)) return k;
  }
  return -1;
}

/** Runs `fn` with only the frames below `level` in view (a rule of the frame at `level`). */
export function below<T>(level: number, fn: () => T): T {
  const saved = depth;
  depth = level;
  try {
    return fn();
  } finally {
    depth = saved;
  }
}

/** Runs `fn` inside a new innermost frame. */
export function within<T>(frame: Frame, fn: () => T): T {
  if (depth !== frames.length) {
    // a transform opened inside a rule of an outer one: frames above `depth` are out of view
    throw new Error('internal: a transform was opened while frames were set aside');
  }
  frames.push(frame);
  depth++;
  try {
    return fn();
  } finally {
    frames.pop();
    depth--;
  }
}

/**
 * Gives `to` whatever `from` carries in each frame in view (a new handle on the same values:
 * a composite op's result, a view). `keep` decides per frame (detach keeps only batches).
 */
export function carryOver(
  from: Tensor,
  to: Tensor,
  keep: (f: Frame) => boolean = () => true,
): void {
  for (let k = 0; k < depth; k++) {
    const f = frames[k] as Frame;
    const v = f.values.get(from);
    if (v !== undefined && keep(f)) f.values.set(to, v);
  }
}

/** The innermost vmap frame in view whose batch holds `t`, or undefined. */
export function batchFrameOf(t: Tensor): Frame | undefined {
  for (let k = depth - 1; k >= 0; k--) {
    const f = frames[k] as Frame;
    if (f.kind === 'vmap' && f.values.has(t)) return f;
  }
  return undefined;
}
