// @backprop/core: tensors and reverse-mode automatic differentiation. The public API, listed.

/**
 * Tensors (float64 or float32, NumPy-style broadcasting) and reverse-mode automatic
 * differentiation: ops that carry their derivatives, `backward()`, and the functional transforms
 * `grad`, `vjp`, `jacobian`, `hessian`. No dependencies; runs in Node and browsers.
 * @example
 * import { tensor } from '@backprop/core';
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * console.log(x.grad?.toArray()); // → [ 2, 4, 6 ]
 * @module @backprop/core
 */

export { detectAnomaly, isDetectAnomalyEnabled, setDetectAnomaly } from './anomaly.js';
export { type Captured, capture } from './capture.js';
export { type CompileOptions, compile, isCompiling } from './compile.js';
export {
  arange,
  type CreateOptions,
  eye,
  full,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randn,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
export type { DType, TypedArray } from './dtype.js';
export { echo, echoList, echoValue } from './echo.js';
export { backward, type GraphNode, gradients, topologicalOrder, type VJP } from './engine.js';
export {
  AxisError,
  BackpropError,
  DTypeError,
  GradError,
  NonFiniteError,
  ShapeError,
  ValueError,
} from './errors.js';
export { hessian, hvp, jacfwd, jacrev, jvp } from './forward.js';
export {
  type GradOptions,
  grad,
  grads,
  jacobian,
  valueAndGrad,
  vjp,
} from './functional.js';
export { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';
export {
  GradcheckError,
  type GradcheckOptions,
  type GradcheckReport,
  type GradcheckWorst,
  gradcheck,
} from './gradcheck.js';
export { type GraphOptions, toDot, toMermaid } from './graph.js';
export {
  getKernelBackend,
  getWasmBuild,
  type KernelBackend,
  setKernelBackend,
} from './kernels/backend.js';
export type { WasmVariant } from './kernels/wasm/load.js';
export {
  add,
  div,
  eq,
  ge,
  gt,
  le,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  pow,
  sub,
  where,
} from './ops/binary.js';
export { defineOp, type OpDefinition } from './ops/custom.js';
export { type DenseLayer, type FusedActivation, fusedMLP } from './ops/fused-mlp.js';
export { linear, matmul } from './ops/matmul.js';
export { type Axis, logsumexp, max, mean, min, sum } from './ops/reduce.js';
export {
  broadcastTo,
  concat,
  gather,
  pad,
  reshape,
  scatterAdd,
  slice,
  squeeze,
  stack,
  sumTo,
  transpose,
  unsqueeze,
} from './ops/shape.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { type SquaredErrorOptions, squaredError } from './ops/squared-error.js';
export {
  abs,
  astype,
  clamp,
  cos,
  elementwise,
  erf,
  exp,
  log,
  log1p,
  neg,
  reciprocal,
  relu,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from './ops/unary.js';
export { checkOptions } from './options.js';
export { Generator, type GeneratorState, manualSeed } from './random.js';
export { broadcastShapes, type Shape } from './shape-math.js';
export {
  type IndicesLike,
  type NestedArray,
  Tensor,
  type TensorLike,
  toTensor,
} from './tensor.js';
export { type VmapOptions, vmap } from './vmap.js';
