// The lecture's whole network (p. 5, eqs. 1–4) as one op: every layer's z·W + b and activation in
// one kernel, and all their derivatives (the δ recursion of p. 10–18) in one more. It runs the
// kernels of `linear` and of the activation ops in their order, so it computes their very numbers;
// what it saves is everything around them. A network of k hidden layers is one graph node instead
// of 2k + 1, and its backward one kernel call instead of three or four derivative rules a layer,
// each making tensors. Like tiny-cuda-nn's FullyFusedMLP, it is for small networks, whose training
// steps are mostly that overhead (docs/performance.md).
import { allocate, type DType, type TypedArray } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import { activeDepth } from '../frames.js';
import { isGradEnabled } from '../grad-mode.js';
import * as kernel from '../kernels/matmul.js';
import { sum as sumKernel } from '../kernels/reduce.js';
import {
  bindFused,
  bindMany,
  composedGradients,
  type FusedPrimitive,
  type Grads,
} from '../primitive.js';
import { currentRecording } from '../recording.js';
import { formatShape, type Shape, sizeOf } from '../shape-math.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { linear } from './matmul.js';
import { operandPair, operands } from './operands.js';
import { LAYER_ACTIVATIONS, type LayerActivation, relu, sigmoid, tanh } from './unary.js';

/** An activation `fusedMLP` runs after a layer: 'identity' (none) or one of core's ops. */
export type FusedActivation = 'identity' | keyof typeof LAYER_ACTIVATIONS;

/** One layer of `fusedMLP`: W of shape [in, out] and b of shape [out] (or none), as `linear` takes. */
export interface DenseLayer {
  /** W, shape [in, out]: W[p][i] is the weight from input p to output i. */
  readonly weight: Tensor;
  /** b, shape [out], or null for a layer without bias. */
  readonly bias: Tensor | null;
}

const OPS = { identity: (a: Tensor) => a, sigmoid, tanh, relu };

/**
 * The network z⁽ʲ⁾ = fⱼ(z⁽ʲ⁻¹⁾·Wⱼ + bⱼ) from z⁽⁰⁾ = x, as one op: the same numbers as
 * `linear` and the activation ops applied layer by layer, in one kernel and one graph node.
 * `activations[j]` follows layer j ('identity' for none). x is [..., in] (leading axes are rows).
 * Inside `jvp` and `vmap` it is that composition of ops.
 * @example
 * import { fusedMLP, linear, tensor } from '@backprop/core';
 * const W = tensor([[1, -1], [0.5, 2]]);
 * const v = tensor([[3], [-2]]);
 * const x = tensor([[0.2, 0.4]]);
 * const y = fusedMLP(x, [{ weight: W, bias: null }, { weight: v, bias: null }], ['tanh', 'identity']);
 * console.log(y.item() === linear(linear(x, W).tanh(), v).item()); // → true
 */
export function fusedMLP(
  input: TensorLike,
  layers: readonly DenseLayer[],
  activations: readonly FusedActivation[],
): Tensor {
  // a network's next step: the plan it keeps fits, and checking that is all the checking
  const eager = currentRecording() === null;
  const kept = eager && input instanceof Tensor ? plans.get(layers) : undefined;
  let inputs = kept === undefined ? null : inputsIfFits(kept, input as Tensor, layers, activations);
  let plan = kept as Plan;
  if (inputs === null) {
    const x = checkLayers(input, layers, activations); // throws, saying what does not fit
    plan = makePlan(x, layers, activations, eager); // a compiled function's trace gets its own
    if (eager) plans.set(layers, plan);
    inputs = inputsIfFits(plan, x, layers, activations) as Tensor[];
  }
  const x = inputs[0] as Tensor;
  const width = (plan.shapes[plan.shapes.length - 1] as Shape)[1] as number;
  const shape = x.ndim === 2 ? [plan.rows, width] : [...x.shape.slice(0, -1), width];
  // each call's a and z go to the plan's arrays: the call is numbered, so that a backward after
  // a later call sees its own are gone and computes them again
  const call: Call = { plan, number: plan.shared ? ++plan.calls : 0 };
  const all = inputs;
  return bindFused(FUSED, all, call, shape, () => compose(all, plan, activations, shape));
}

/**
 * What the kernels need besides the inputs: the layers' sizes and activations, where W and b sit
 * among the inputs, and arrays for every layer's a and z and their gradients.
 */
interface Plan {
  readonly dtype: DType;
  readonly rows: number;
  /** x seen as a matrix [rows, in]. */
  readonly rowsShape: Shape;
  readonly names: readonly FusedActivation[];
  readonly acts: readonly (LayerActivation | null)[];
  /** Where layer j's W and b are among the op's inputs (b: −1 for none). */
  readonly weightAt: readonly number[];
  readonly biasAt: readonly number[];
  /** The layer each input belongs to (x: layer 0). */
  readonly layerAt: readonly number[];
  /** Layer j's a and z are [rows, out_j]. */
  readonly shapes: readonly Shape[];
  /** Layer j's a and z (the same array when f is the identity; the last z is the op's output). */
  readonly a: readonly TypedArray[];
  readonly z: readonly TypedArray[];
  /** ∂E/∂a and ∂E/∂z of each layer, for the backward kernel while it runs. */
  readonly ga: readonly TypedArray[];
  readonly gz: readonly TypedArray[];
  /** Whether calls share it (eagerly; a compiled function's trace gets one of its own). */
  readonly shared: boolean;
  /** The number of the last call whose a and z the arrays hold. */
  calls: number;
}

/** One call: its plan, and its number among the plan's calls (0: the plan is its own). */
interface Call {
  readonly plan: Plan;
  readonly number: number;
}

// A network's plan, kept for its next call: a training step then makes no arrays for its layers'
// a and z, which are most of what a small network's step allocates.
const plans = new WeakMap<readonly DenseLayer[], Plan>();

function makePlan(
  x: Tensor,
  layers: readonly DenseLayer[],
  activations: readonly FusedActivation[],
  shared: boolean,
): Plan {
  const width = x.shape[x.ndim - 1] as number;
  const rows = x.ndim === 2 ? (x.shape[0] as number) : sizeOf(x.shape.slice(0, -1));
  const last = layers.length - 1;
  const plan = {
    dtype: x.dtype,
    rows,
    rowsShape: [rows, width],
    names: [...activations],
    acts: [] as (LayerActivation | null)[],
    weightAt: [] as number[],
    biasAt: [] as number[],
    layerAt: [0],
    shapes: [] as Shape[],
    a: [] as TypedArray[],
    z: [] as TypedArray[],
    ga: [] as TypedArray[],
    gz: [] as TypedArray[],
    shared,
    calls: 0,
  };
  let at = 1;
  for (let j = 0; j <= last; j++) {
    const { weight, bias } = layers[j] as DenseLayer;
    const name = activations[j] as FusedActivation;
    const act = name === 'identity' ? null : LAYER_ACTIVATIONS[name];
    const size = rows * (weight.shape[1] as number);
    plan.acts.push(act);
    plan.weightAt.push(at++);
    plan.biasAt.push(bias === null ? -1 : at++);
    while (plan.layerAt.length < at) plan.layerAt.push(j);
    plan.shapes.push([rows, weight.shape[1] as number]);
    const a = j === last && act === null ? EMPTY : allocate(x.dtype, size);
    plan.a.push(a);
    plan.z.push(act === null ? a : j === last ? EMPTY : allocate(x.dtype, size));
    plan.ga.push(act === null ? EMPTY : allocate(x.dtype, size));
    plan.gz.push(j === last ? EMPTY : allocate(x.dtype, size));
  }
  return plan;
}

/**
 * The op's inputs (x, then each layer's W and b) if `plan` was made for a call like this one
 * (the same sizes, dtype, biases and activations), else null: one pass, no message built.
 */
function inputsIfFits(
  plan: Plan,
  x: Tensor,
  layers: readonly DenseLayer[],
  activations: readonly FusedActivation[],
): Tensor[] | null {
  const n = x.ndim;
  const dtype = plan.dtype;
  let width = plan.rowsShape[1] as number;
  if (n === 0 || x.dtype !== dtype || x.shape[n - 1] !== width) return null;
  if ((n === 2 ? x.shape[0] : sizeOf(x.shape.slice(0, -1))) !== plan.rows) return null;
  if (layers.length !== plan.acts.length) return null;
  const inputs = [x];
  for (let j = 0; j < layers.length; j++) {
    const { weight, bias } = layers[j] as DenseLayer;
    const out = (plan.shapes[j] as Shape)[1] as number;
    if (activations[j] !== plan.names[j] || weight.ndim !== 2 || weight.dtype !== dtype)
      return null;
    if (weight.shape[0] !== width || weight.shape[1] !== out) return null;
    inputs.push(weight);
    if ((bias === null) !== (plan.biasAt[j] as number) < 0) return null;
    if (bias !== null) {
      if (bias.ndim !== 1 || bias.shape[0] !== out || bias.dtype !== dtype) return null;
      inputs.push(bias);
    }
    width = out;
  }
  return inputs;
}

const NO_BATCH: Shape = [];
const EMPTY = new Float64Array(0);

// #region fused-mlp
const FUSED: FusedPrimitive<Call> = {
  name: 'fusedMLP',
  // eqs. 1–4 layer by layer, with linear's and the activations' kernels
  kernel: (inputs, out, call) => {
    const plan = call.plan;
    forward(inputs, out, plan, plan.a, plan.z);
    plan.calls = call.number;
  },
  overwrites: true,
  vjp: (g, inputs, y, call) => {
    // a second derivative (createGraph) or a transform: the composition's own rules
    if (isGradEnabled() || activeDepth() > 0) return composedVjp(g, inputs, call.plan);
    const plan = call.plan;
    // a later call has filled the plan's arrays: this call's a and z again, in arrays of its own
    const own = call.number === plan.calls ? plan : recomputed(inputs, y, plan);
    const shapes: Shape[] = [];
    const slots: number[] = [];
    let lowest = -1; // the lowest layer with a W, b (or x below it) that wants a gradient
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i] as Tensor;
      slots.push(t.requiresGrad ? shapes.push(t.shape) - 1 : -1);
      if (t.requiresGrad && lowest < 0) lowest = plan.layerAt[i] as number; // inputs go by layer
    }
    const params: Backward = { plan, a: own.a, z: own.z, slots, lowest };
    const outs = bindMany('fusedMLP', backwardKernel, [g, y, ...inputs], params, shapes);
    const grads: (Tensor | null)[] = [];
    for (let i = 0; i < slots.length; i++) {
      const k = slots[i] as number;
      grads.push(k < 0 ? null : (outs[k] as Tensor));
    }
    return grads;
  },
};

/** The derivative as the composition's ops give it (so it can be differentiated again). */
function composedVjp(g: Tensor, inputs: readonly Tensor[], plan: Plan): Grads {
  return composedGradients(inputs, g, () => compose(inputs, plan, plan.names, g.shape));
}

/** A call's a and z computed again from its inputs, in arrays of their own. */
function recomputed(inputs: readonly Tensor[], y: Tensor, plan: Plan): Plan {
  const own = makePlan(inputs[0] as Tensor, layersOf(inputs, plan), plan.names, false);
  forward(inputs, allocate(y.dtype, y.size), own, own.a, own.z);
  return own;
}

/**
 * Eqs. 1–4 layer by layer, with linear's and the activations' kernels, into `a` and `z`. One
 * sample's x·W + b is computed here, in loops of this function, with the sums `matmul` forms
 * (its `small` loops: each output's sum from 0 in the order of k, eight outputs a turn) and so
 * the same bits: this function runs once a step, and V8 optimises a function that loops within
 * its first calls but one that only calls after a thousand or more (docs/performance.md).
 */
function forward(
  inputs: readonly Tensor[],
  out: TypedArray,
  plan: Plan,
  as: readonly TypedArray[],
  zs: readonly TypedArray[],
): void {
  const last = plan.acts.length - 1;
  let z = (inputs[0] as Tensor).data;
  let zShape = plan.rowsShape;
  for (let j = 0; j <= last; j++) {
    const w = inputs[plan.weightAt[j] as number] as Tensor;
    const b = plan.biasAt[j] as number;
    const act = plan.acts[j] as LayerActivation | null;
    const a = j === last && act === null ? out : (as[j] as TypedArray);
    const bias = b < 0 ? null : (inputs[b] as Tensor).data;
    const k = w.shape[0] as number;
    const n = w.shape[1] as number;
    if (plan.rows === 1 && kernel.loopsTake(k * n)) {
      const W = w.data;
      if (k === 1) {
        const v = z[0] as number;
        for (let c = 0; c < n; c++) a[c] = v * (W[c] as number); // a product, not 0 + it (−0)
      } else {
        let c = 0;
        for (; c + 8 <= n; c += 8) {
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let s4 = 0;
          let s5 = 0;
          let s6 = 0;
          let s7 = 0;
          for (let p = 0, y = c; p < k; p++, y += n) {
            const v = z[p] as number;
            s0 += v * (W[y] as number);
            s1 += v * (W[y + 1] as number);
            s2 += v * (W[y + 2] as number);
            s3 += v * (W[y + 3] as number);
            s4 += v * (W[y + 4] as number);
            s5 += v * (W[y + 5] as number);
            s6 += v * (W[y + 6] as number);
            s7 += v * (W[y + 7] as number);
          }
          a[c] = s0;
          a[c + 1] = s1;
          a[c + 2] = s2;
          a[c + 3] = s3;
          a[c + 4] = s4;
          a[c + 5] = s5;
          a[c + 6] = s6;
          a[c + 7] = s7;
        }
        for (; c < n; c++) {
          let s = 0;
          for (let p = 0, y = c; p < k; p++, y += n) s += (z[p] as number) * (W[y] as number);
          a[c] = s;
        }
      }
      if (bias !== null) kernel.addRows(a, bias, 1, n);
    } else kernel.matmul(z, zShape, false, w.data, w.shape, false, NO_BATCH, a, bias);
    z = a;
    if (act !== null) {
      z = j === last ? out : (zs[j] as TypedArray);
      act.forward(a, z, z.length);
    }
    zShape = plan.shapes[j] as Shape;
  }
}

/** The layers of a call, from its inputs. */
function layersOf(inputs: readonly Tensor[], plan: Plan): DenseLayer[] {
  return plan.weightAt.map((w, j) => {
    const b = plan.biasAt[j] as number;
    return { weight: inputs[w] as Tensor, bias: b < 0 ? null : (inputs[b] as Tensor) };
  });
}
// #endregion fused-mlp

interface Backward {
  readonly plan: Plan;
  /** The call's a and z. */
  readonly a: readonly TypedArray[];
  readonly z: readonly TypedArray[];
  /** Where each input's gradient goes among the outputs (−1: it gets none). */
  readonly slots: readonly number[];
  /** The lowest layer whose W or b, or x below it, gets a gradient: the kernel stops there. */
  readonly lowest: number;
}

/**
 * From the last layer down (p. 10–18): ∂E/∂a = ∂E/∂z·f′ (the activation's derivative kernel),
 * ∂E/∂W = zᵀ·∂E/∂a, ∂E/∂b = ∂E/∂a summed over the rows, and ∂E/∂z below = ∂E/∂a·Wᵀ, with the
 * kernels of linear's and the activations' derivative rules. For one sample the two products are
 * loops here, as in `forward` and for the same reason, with `matmul`'s sums: ∂E/∂W an outer
 * product (one multiplication an element), ∂E/∂z a sum from 0 over ∂E/∂a's order per element.
 */
// #region backward
function backwardKernel(ins: readonly Tensor[], outs: readonly TypedArray[], b: Backward): void {
  const { plan, slots } = b;
  const as = b.a;
  const zs = b.z;
  const g = (ins[0] as Tensor).data;
  const y = (ins[1] as Tensor).data;
  const x = ins[2] as Tensor;
  const last = plan.acts.length - 1;
  const lowest = b.lowest; // nothing below it wants a gradient
  let gz = g;
  for (let j = last; j >= lowest; j--) {
    const act = plan.acts[j] as LayerActivation | null;
    const shape = plan.shapes[j] as Shape;
    let ga = gz;
    if (act !== null) {
      const v = act.reads === 'input' ? as[j] : j === last ? y : zs[j];
      ga = plan.ga[j] as TypedArray;
      act.derivative(gz, v as TypedArray, ga, ga.length);
    }
    const below = j === 0 ? x.data : (zs[j - 1] as TypedArray);
    const belowShape = j === 0 ? plan.rowsShape : (plan.shapes[j - 1] as Shape);
    const w = ins[2 + (plan.weightAt[j] as number)] as Tensor;
    const k = w.shape[0] as number;
    const n = w.shape[1] as number;
    const row = plan.rows === 1 && kernel.loopsTake(k * n); // one sample: loops here, as forward
    const dw = slots[plan.weightAt[j] as number] as number;
    if (dw >= 0) {
      const out = outs[dw] as TypedArray;
      if (row) {
        for (let i = 0, o = 0; i < k; i++) {
          const v = below[i] as number;
          for (let c = 0; c < n; c++, o++) out[o] = v * (ga[c] as number);
        }
      } else kernel.matmul(below, belowShape, true, ga, shape, false, NO_BATCH, out);
    }
    const bias = plan.biasAt[j] as number;
    const db = bias < 0 ? -1 : (slots[bias] as number);
    if (db >= 0) {
      const out = outs[db] as TypedArray;
      if (plan.rows === 1) out.set(ga);
      else sumKernel(ga, shape, [0], out);
    }
    const dx = slots[0] as number;
    if (j > lowest || (j === 0 && dx >= 0)) {
      gz = j === 0 ? (outs[dx] as TypedArray) : (plan.gz[j - 1] as TypedArray);
      if (row) {
        const W = w.data;
        if (n === 1) {
          const v = ga[0] as number;
          for (let c = 0; c < k; c++) gz[c] = v * (W[c] as number);
        } else {
          for (let c = 0, r = 0; c < k; c++, r += n) {
            let s = 0;
            for (let p = 0; p < n; p++) s += (ga[p] as number) * (W[r + p] as number);
            gz[c] = s;
          }
        }
      } else kernel.matmul(ga, shape, false, w.data, w.shape, true, NO_BATCH, gz);
    }
  }
}
// #endregion backward

/** The op as `linear` and activation ops, from its inputs. */
function compose(
  inputs: readonly Tensor[],
  plan: Plan,
  activations: readonly FusedActivation[],
  shape: readonly number[],
): Tensor {
  const x = inputs[0] as Tensor;
  let h = x.ndim === 2 ? x : x.reshape(plan.rowsShape);
  for (let j = 0; j < plan.acts.length; j++) {
    const b = plan.biasAt[j] as number;
    const a = linear(h, inputs[plan.weightAt[j] as number] as Tensor, b < 0 ? null : inputs[b]);
    h = OPS[activations[j] as FusedActivation](a);
  }
  return x.ndim === 2 ? h : h.reshape(shape);
}

/** The input as a tensor, with every layer checked against the one before. */
function checkLayers(
  input: TensorLike,
  layers: readonly DenseLayer[],
  activations: readonly FusedActivation[],
): Tensor {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new ValueError('fusedMLP: expected a non-empty array of layers { weight, bias }');
  }
  if (!Array.isArray(activations) || activations.length !== layers.length) {
    throw new ValueError(
      `fusedMLP: expected one activation a layer (${layers.length}), got ${Array.isArray(activations) ? activations.length : String(activations)}`,
    );
  }
  const [x, first] = operandPair('fusedMLP', input, (layers[0] as DenseLayer).weight);
  if (x.ndim === 0) {
    throw new ShapeError(
      'fusedMLP: the input is a scalar; expected [..., in] (a row of features, or rows of them)',
    );
  }
  let width = x.shape[x.ndim - 1] as number;
  for (let j = 0; j < layers.length; j++) {
    const { weight, bias } = layers[j] as DenseLayer;
    if (weight.ndim !== 2 || weight.shape[0] !== width) {
      throw new ShapeError(
        `fusedMLP: layer ${j}: weight of shape ${formatShape(weight.shape)} does not fit the ${j === 0 ? `input of shape ${formatShape(x.shape)}` : `output of layer ${j - 1} (${width} wide)`}; expected [${width}, out]`,
      );
    }
    width = weight.shape[1] as number;
    if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== width)) {
      throw new ShapeError(
        `fusedMLP: layer ${j}: bias of shape ${formatShape(bias.shape)} does not fit its weight of shape ${formatShape(weight.shape)}; expected [${width}]`,
      );
    }
    if (weight.dtype !== first.dtype || (bias !== null && bias.dtype !== first.dtype)) {
      operands('fusedMLP', first, weight, ...(bias === null ? [] : [bias])); // throws, naming the dtypes
    }
    const name = activations[j];
    if (name !== 'identity' && !Object.hasOwn(LAYER_ACTIVATIONS, name as string)) {
      throw new ValueError(
        `fusedMLP: layer ${j}: unknown activation ${String(name)}; expected one of identity, ${Object.keys(LAYER_ACTIVATIONS).join(', ')}`,
      );
    }
  }
  return x;
}
