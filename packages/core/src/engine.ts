// The autodiff engine: recording graph nodes, one topological sort, one reverse sweep.
import {
  checkForward,
  checkGradient,
  enterRule,
  isDetectAnomalyEnabled,
  leaveRule,
} from './anomaly.js';
import { GradError, ShapeError } from './errors.js';
import { activeDepth, batchFrameOf } from './frames.js';
import { isGradEnabled, setGradMode, withGradMode } from './grad-mode.js';
import { checkOptions } from './options.js';
import { madeSoFar } from './primitive.js';
import { currentRecording, noteInputs, recordGradWrite } from './recording.js';
import { formatShape, sameShape } from './shape-math.js';
import type { Tensor } from './tensor.js';

/**
 * A vector–Jacobian product: given the gradient of the output, one gradient per input
 * (`null` where an input gets none). Written with tensor ops, so it is itself differentiable.
 */
// #region graph-node
export type VJP = (g: Tensor) => readonly (Tensor | null | undefined)[];

/** What an op's output remembers: the op, its inputs, and its local derivative rule. */
export interface GraphNode {
  /** The op's name, as errors and `toDot` show it. */
  readonly op: string;
  /** The tensors the op was applied to. */
  readonly inputs: readonly Tensor[];
  /** The op's derivative rule: ∂L/∂output ↦ ∂L/∂input for each input. */
  readonly vjp: VJP;
  /** Where the op was called in user code (recorded in anomaly-detection mode only). */
  readonly site?: string;
  /** The inputs' versions added up when the op ran: `backward` checks none changed since. */
  readonly version: number;
}
// #endregion graph-node

// ---------------------------------------------------------------- recording

/** A derivative rule as the doors hand it over: ∂L/∂output ↦ ∂L/∂inputs, with what it needs. */
export type NodeRule<P> = (
  g: Tensor,
  inputs: readonly Tensor[],
  y: Tensor,
  params: P,
) => ReturnType<VJP>;

/**
 * A recorded op. It keeps the rule and its arguments rather than a closure over them: an op
 * records one object, not a node plus a closure plus its context (and nothing at all when no
 * gradient is needed, where a closure made by the caller would be garbage at once).
 */
class Node<P> implements GraphNode {
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    private readonly rule: NodeRule<P>,
    private readonly params: P,
    private readonly output: Tensor,
    readonly site: string | undefined,
    readonly version: number,
  ) {}

  vjp(g: Tensor): ReturnType<VJP> {
    return this.rule(g, this.inputs, this.output, this.params);
  }
}

/**
 * Attaches `rule` (called as `rule(g, inputs, output, params)`) to `output` as the local
 * derivative of `op` at `inputs`, if any input needs a gradient and grad mode is on. The three
 * doors of primitive.ts (`bind`, `bindView`, `bindComposite`) end with this call; op files never
 * make it themselves.
 */
// #region record
export function record<P>(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  rule: NodeRule<P>,
  params: P,
): Tensor {
  let site: string | undefined;
  if (isDetectAnomalyEnabled()) site = checkForward(op, inputs, output);
  if (currentRecording() !== null) noteInputs(inputs);
  if (!isGradEnabled()) return output;
  for (let i = 0; i < inputs.length; i++) {
    if ((inputs[i] as Tensor).requiresGrad) {
      output._node = new Node(op, inputs, rule, params, output, site, versionOf(inputs, output));
      return output;
    }
  }
  return output;
}
// #endregion record

// ---------------------------------------------------------------- backward

// Each sort stamps the tensors it visits with a number of its own, so it needs no Map or Set:
// `t._mark === mark` means visited by this sort, and then `t._slot` is t's position in the order
// (−1 while unfinished or when not on a path to a target).
let lastMark = 0;

/** A topological order and, for every edge, where its input sits in that order. */
interface Sorted {
  mark: number;
  order: Tensor[];
  /** The inputs of `order[k]` are edges `edgeStart[k]` up to `edgeStart[k + 1]`. */
  edgeStart: number[];
  /** Each edge's input position in `order`, or −1 if it gets no gradient in this sweep. */
  edgeSlot: number[];
}

/**
 * Every tensor that needs a gradient and is reachable from `roots`, inputs before outputs.
 * Iterative depth-first search, so a graph of a million nodes does not overflow the stack.
 * With `targets`, only tensors on a path to one of them are kept.
 */
export function topologicalOrder(
  roots: readonly Tensor[],
  targets?: ReadonlySet<Tensor>,
): Tensor[] {
  return sort(roots, targets).order;
}

// #region sort
// The depth-first search's stack, reused: a sort finishes before any derivative rule runs.
const stack: Tensor[] = [];
const next: number[] = [];

function sort(roots: readonly Tensor[], targets: ReadonlySet<Tensor> | undefined): Sorted {
  const mark = ++lastMark;
  const order: Tensor[] = [];
  const edgeStart: number[] = [];
  const edgeSlot: number[] = [];
  let edges = 0;
  for (const root of roots) {
    if (!root.requiresGrad || root._mark === mark) continue;
    visit(root, mark, stack, next);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top] as Tensor;
      const inputs = t._node === null ? NO_INPUTS : t._node.inputs;
      const i = next[top];
      if (i < inputs.length) {
        next[top] = i + 1;
        const child = inputs[i] as Tensor;
        if (child.requiresGrad && child._mark !== mark) visit(child, mark, stack, next);
        continue;
      }
      stack.pop();
      next.pop();
      // every input is finished (or never visited): its place in the order is known. The edges
      // are read now, while the marks are this sort's: a derivative rule may start a sweep of
      // its own, which re-marks tensors.
      const first = edges;
      let keep = targets === undefined || targets.has(t);
      for (let j = 0; j < inputs.length; j++) {
        const slot = slotIn(inputs[j] as Tensor, mark);
        edgeSlot[edges++] = slot;
        if (slot >= 0) keep = true;
      }
      if (keep) {
        t._slot = order.length;
        order.push(t);
        edgeStart.push(first);
      } else edges = first; // not on a path to a target: its edges are overwritten
    }
  }
  edgeStart.push(edges);
  return { mark, order, edgeStart, edgeSlot };
}

const NO_INPUTS: readonly Tensor[] = [];

function visit(t: Tensor, mark: number, stack: Tensor[], next: number[]): void {
  t._mark = mark;
  t._slot = -1;
  stack.push(t);
  next.push(0);
}

/** Where `t` sits in the order being built by the sort with `mark`, or −1. */
function slotIn(t: Tensor, mark: number): number {
  return t._mark === mark ? t._slot : -1;
}
// #endregion sort

/**
 * One reverse sweep from `roots` (seeded with `seeds`). Calls `onGrad(t, g)` with the total
 * gradient of every tensor in the order, outputs first. With `createGraph` the gradients are
 * themselves recorded, so they can be differentiated again.
 */
// #region reverse-sweep
function reverseSweep(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  targets: ReadonlySet<Tensor> | undefined,
  createGraph: boolean,
  onGrad: (t: Tensor, g: Tensor) => void,
): void {
  const { mark, order, edgeStart, edgeSlot } = sort(roots, targets);
  const grads: (Tensor | null)[] = [];
  for (let k = 0; k < order.length; k++) grads.push(null);
  const saved = setGradMode(createGraph); // for the accumulating adds and the derivative rules alike
  try {
    for (let i = 0; i < roots.length; i++) {
      const k = slotIn(roots[i] as Tensor, mark); // no rule has run yet: the marks are still this sort's
      if (k >= 0) grads[k] = accumulate(grads[k] as Tensor | null, seeds[i] as Tensor);
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const g = grads[k];
      if (g === null || g === undefined) continue;
      grads[k] = null;
      const t = order[k] as Tensor;
      setGradMode(saved); // onGrad runs as the caller's code would
      onGrad(t, g);
      setGradMode(createGraph);
      const node = t._node;
      const first = edgeStart[k];
      const end = edgeStart[k + 1];
      if (node === null || !hasSlot(edgeSlot, first, end)) continue;
      if (versionOf(node.inputs, t) !== node.version) throw changedInPlace(node, t);
      enterRule();
      let inputGrads: ReturnType<VJP>;
      try {
        inputGrads = node.vjp(g);
      } finally {
        leaveRule();
      }
      if (inputGrads.length !== node.inputs.length) throw miscounted(node, inputGrads.length);
      for (let i = 0; i < inputGrads.length; i++) {
        const gi = inputGrads[i];
        const slot = edgeSlot[first + i];
        if (!gi || slot < 0) continue;
        const x = node.inputs[i] as Tensor;
        checkInputGrad(node, i, x, gi, g);
        grads[slot] = accumulate(
          grads[slot] as Tensor | null,
          gi.dtype === x.dtype ? gi : gi.astype(x.dtype),
        );
      }
    }
  } finally {
    setGradMode(saved);
  }
}
// #endregion reverse-sweep

function miscounted(node: GraphNode, count: number): GradError {
  return new GradError(
    `${node.op}: its derivative rule returned ${count} gradient(s) for ${node.inputs.length} input(s)`,
  );
}

/** The versions of an op's inputs and output added up: they only grow, so any change shows. */
function versionOf(inputs: readonly Tensor[], output: Tensor): number {
  let v = output._version;
  for (let i = 0; i < inputs.length; i++) v += (inputs[i] as Tensor)._version;
  return v;
}

function changedInPlace(node: GraphNode, t: Tensor): GradError {
  const shapes = node.inputs.map((x) => formatShape(x.shape)).join(', ');
  const which = t._version > 0 ? 'its output' : `one of its inputs (shapes ${shapes})`;
  const site = node.site === undefined ? '' : `; the op was called at ${node.site}`;
  return new GradError(
    `backward(): ${node.op} cannot be differentiated: ${which} was changed in place (markChanged, ` +
      `an optimiser's step) after the op ran, so its derivative would mix old and new values; ` +
      `compute the loss again after changing the weights${site}`,
  );
}

function hasSlot(edgeSlot: readonly number[], first: number, end: number): boolean {
  for (let e = first; e < end; e++) if (edgeSlot[e] >= 0) return true;
  return false;
}

/** Gradients from several uses of a tensor add up (recorded when the sweep creates a graph). */
// #region accumulate
function accumulate(prev: Tensor | null, g: Tensor): Tensor {
  return prev === null ? g : prev.add(g);
}
// #endregion accumulate

/** The checks on one gradient a derivative rule returned: its shape, and (anomaly mode) its values. */
function checkInputGrad(node: GraphNode, i: number, x: Tensor, gi: Tensor, g: Tensor): void {
  if (!sameShape(gi.shape, x.shape)) {
    throw new ShapeError(
      `${node.op}: its derivative rule returned a gradient of shape ${formatShape(gi.shape)} ` +
        `for input ${i} of shape ${formatShape(x.shape)}`,
    );
  }
  if (isDetectAnomalyEnabled()) checkGradient(node, i, gi, g);
}

const BACKWARD_OPTIONS = ['createGraph'];
const GRADIENTS_OPTIONS = ['gradOutputs', 'createGraph'];

/**
 * The seed gradient of `backward(root, seed)`: `seed` checked against `root`, or ones for a
 * one-element root; errors where `root` cannot be differentiated. Apart from `backward`, which
 * runs on every training step, so that its messages are not in the code V8 optimises there.
 */
function seedOf(root: Tensor, seed: Tensor | undefined): Tensor {
  if (activeDepth() > 0 && batchFrameOf(root) !== undefined) {
    throw new GradError(
      'backward() inside vmap: this tensor holds one value per sample, so its gradients differ per ' +
        'sample and cannot go into one .grad; use grad() or vjp() inside the function (vmap(grad(f)) ' +
        'gives per-sample gradients), or call backward() on what vmap returns',
    );
  }
  if (!root.requiresGrad) {
    throw new GradError(
      'backward(): this tensor does not require grad: none of the tensors it was computed from has ' +
        'requiresGrad: true (or it was computed inside noGrad / from detach())',
    );
  }
  let g = seed;
  if (g === undefined) {
    if (root.size !== 1) {
      throw new GradError(
        `backward(): the tensor has shape ${formatShape(root.shape)}, not a single value; reduce it to a ` +
          'scalar first (e.g. .sum() or .mean()), or pass the seed gradient: y.backward(seed) with seed of the same shape',
      );
    }
    g = root.onesLike();
  } else if (!sameShape(g.shape, root.shape)) {
    throw new ShapeError(
      `backward(): the seed gradient has shape ${formatShape(g.shape)}; expected the tensor's shape ${formatShape(root.shape)}`,
    );
  }
  return g.dtype === root.dtype ? g : g.astype(root.dtype);
}

/**
 * Backpropagates from `root` and accumulates gradients into `.grad` of every leaf that requires
 * grad (and of tensors marked with `retainGrad()`), exactly like PyTorch's `backward`.
 */
// #region backward
export function backward(
  root: Tensor,
  seed?: Tensor,
  options: { createGraph?: boolean } = {},
): void {
  const before = madeSoFar(); // arrays the door makes from now on are this sweep's own
  checkOptions('backward()', options, BACKWARD_OPTIONS);
  const g = seedOf(root, seed);
  const createGraph = options.createGraph ?? false;
  const tracing = currentRecording();
  reverseSweep([root], [g], undefined, createGraph, (t, gt) => {
    if (t._node && !t._retainGrad) return;
    if (tracing !== null) return recordGradWrite(tracing, t, gt, createGraph);
    // a leaf's .grad gets storage of its own, so changing one gradient in place never changes
    // another: the sum with the previous .grad (a new tensor), a gradient whose array this
    // sweep made and gave to no one else, or else a copy
    const prev = t.grad;
    if (prev) t.grad = withGradMode(createGraph, () => prev.add(gt));
    else if (createGraph) t.grad = gt;
    else if (gt._made > before) {
      t.grad = gt;
      gt._made = 0; // given away: the next tensor that gets this gradient gets a copy
    } else t.grad = gt.clone();
  });
}
// #endregion backward

/**
 * The gradients of `outputs` with respect to `inputs` (like `torch.autograd.grad`), without
 * touching any `.grad`. Inputs the outputs do not depend on get zeros.
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  options: { gradOutputs?: readonly Tensor[]; createGraph?: boolean } = {},
): Tensor[] {
  checkOptions('gradients()', options, GRADIENTS_OPTIONS);
  const seeds = outputs.map((y, i) => {
    const s = options.gradOutputs?.[i];
    if (s) {
      if (!sameShape(s.shape, y.shape)) {
        throw new ShapeError(
          `gradients(): gradOutputs[${i}] has shape ${formatShape(s.shape)}; expected ${formatShape(y.shape)}`,
        );
      }
      return s.dtype === y.dtype ? s : s.astype(y.dtype);
    }
    if (y.size !== 1) {
      throw new GradError(
        `gradients(): output ${i} has shape ${formatShape(y.shape)}, not a single value; pass gradOutputs`,
      );
    }
    return y.onesLike();
  });
  const found = new Map<Tensor, Tensor>();
  const targets = new Set(inputs);
  reverseSweep(outputs, seeds, targets, options.createGraph ?? false, (t, g) => {
    if (targets.has(t)) found.set(t, g);
  });
  return inputs.map((x) => found.get(x) ?? x.zerosLike());
}
