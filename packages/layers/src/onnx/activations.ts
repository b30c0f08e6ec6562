// Each catalog activation as ONNX nodes: a native op where ONNX has one, else the composition of
// primitive ops that backprop itself computes (same formula, same order, so float64 agrees to ~1 ulp).
import { ValueError } from '@backprop/core';
import { BUILT_INS, elu, leakyRelu, rbf, SELU_ALPHA, SELU_LAMBDA } from '../builtin-activations.js';
import { type Activation, type DefinedActivation, isFamilyMember } from '../define-activation.js';
import type { GraphBuilder } from './graph.js';

/** Writes f(x) into the graph and returns the name of its value; `params` are a family's numbers. */
export type Lowering = (g: GraphBuilder, x: string, params: number[], opset: number) => string;

/** The built-ins' catalog names (the default members of the families included). */
type BuiltInName =
  | 'sigmoid'
  | 'softsign'
  | 'softmax'
  | 'relu'
  | 'rbf'
  | 'identity'
  | 'tanh'
  | 'leakyRelu'
  | 'elu'
  | 'selu'
  | 'geluTanh'
  | 'silu'
  | 'softplus'
  | 'mish'
  | 'hardSigmoid'
  | 'hardTanh';

// NOTE: ONNX's float attributes (LeakyRelu's alpha, Selu's gamma, …) are float32, so a float64
// model would lose ~1e-8 relative there: float64 models get the composition instead.
const f32 = (g: GraphBuilder) => g.dtype === 'float32';

/** α(e^min(a, 0) − 1) where a ≤ 0 and a elsewhere: backprop's ELU, no overflow for large a. */
function eluOf(g: GraphBuilder, x: string, alpha: number): string {
  const negative = g.op('Mul', [
    g.op('Sub', [g.op('Exp', [g.op('Min', [x, g.scalar(0)])]), g.scalar(1)]),
    g.scalar(alpha),
  ]);
  return g.op('Where', [g.op('Greater', [x, g.scalar(0)]), x, negative]);
}

/**
 * log(1 + e^a): ONNX's Softplus in float32; ONNX Runtime has no float64 Softplus, so there it is
 * max(a, 0) + log1p(e^(−|a|)) (backprop's form), log1p(u) written as log(w)·u/(w − 1), w = 1 + u
 * (exact to a few ulps where log(1 + u) alone would lose u ≪ 1), and u where w rounds to 1.
 */
function softplusOf(g: GraphBuilder, x: string): string {
  if (f32(g)) return g.op('Softplus', [x]);
  const u = g.op('Exp', [g.op('Neg', [g.op('Abs', [x])])]);
  const w = g.op('Add', [u, g.scalar(1)]);
  const log1p = g.op('Where', [
    g.op('Equal', [w, g.scalar(1)]),
    u,
    g.op('Div', [g.op('Mul', [g.op('Log', [w]), u]), g.op('Sub', [w, g.scalar(1)])]),
  ]);
  return g.op('Add', [g.op('Max', [x, g.scalar(0)]), log1p]);
}

const clamp = (g: GraphBuilder, x: string, lo: number, hi: number) =>
  g.op('Min', [g.op('Max', [x, g.scalar(lo)]), g.scalar(hi)]);

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/** How each built-in is written in ONNX: the compiler lists a built-in that lacks one. */
const LOWERINGS: { [K in BuiltInName]: Lowering } = {
  sigmoid: (g, x) => g.op('Sigmoid', [x]),
  // a/(1 + |a|); ONNX Runtime has Softsign in float32 only
  softsign: (g, x) =>
    f32(g) ? g.op('Softsign', [x]) : g.op('Div', [x, g.op('Add', [g.op('Abs', [x]), g.scalar(1)])]),
  softmax: (g, x) => g.op('Softmax', [x], { axis: { i: -1 } }),
  relu: (g, x) => g.op('Relu', [x]),
  rbf: (g, x, [gamma = 1]) => g.op('Exp', [g.op('Mul', [g.op('Mul', [x, x]), g.scalar(-gamma)])]), // exp(−γa²)
  identity: (_g, x) => x,
  tanh: (g, x) => g.op('Tanh', [x]),
  leakyRelu: (g, x, [alpha = 0.01]) =>
    f32(g)
      ? g.op('LeakyRelu', [x], { alpha: { f: alpha } })
      : g.op('Where', [g.op('Greater', [x, g.scalar(0)]), x, g.op('Mul', [x, g.scalar(alpha)])]),
  elu: (g, x, [alpha = 1]) =>
    f32(g) ? g.op('Elu', [x], { alpha: { f: alpha } }) : eluOf(g, x, alpha),
  selu: (g, x) =>
    f32(g)
      ? g.op('Selu', [x], { alpha: { f: SELU_ALPHA }, gamma: { f: SELU_LAMBDA } })
      : g.op('Mul', [eluOf(g, x, SELU_ALPHA), g.scalar(SELU_LAMBDA)]),
  // ½a(1 + tanh u) = a·σ(2u), u = √(2/π)(a + 0.044715a³): backprop's form; Gelu is opset 20's op
  // (ONNX Runtime's float64 Gelu is off by ~1e-8 relative: float64 keeps the composition)
  geluTanh: (g, x, _p, opset) =>
    opset >= 20 && f32(g)
      ? g.op('Gelu', [x], { approximate: { s: 'tanh' } })
      : g.op('Mul', [
          x,
          g.op('Sigmoid', [
            g.op('Mul', [
              g.op('Add', [
                x,
                g.op('Mul', [g.op('Mul', [g.op('Mul', [x, x]), x]), g.scalar(GELU_K)]),
              ]),
              g.scalar(2 * GELU_C),
            ]),
          ]),
        ]),
  // a·σ(a) written as a/(1 + e^(−a)) (a = −1000 gives −0, not NaN). NOTE: ONNX Runtime fuses
  // Mul(a, Sigmoid(a)) into its QuickGelu kernel, which has no float64 version (the model is then
  // refused) and in float32 approximates σ: 1.3e-6 relative off backprop after three layers.
  silu: (g, x) => g.op('Div', [x, g.op('Add', [g.op('Exp', [g.op('Neg', [x])]), g.scalar(1)])]),
  softplus: (g, x) => softplusOf(g, x),
  mish: (g, x, _p, opset) =>
    opset >= 18 ? g.op('Mish', [x]) : g.op('Mul', [x, g.op('Tanh', [softplusOf(g, x)])]),
  // clamp(a/6 + 1/2, 0, 1); HardSigmoid's alpha = 1/6 is not exact in float32
  hardSigmoid: (g, x) =>
    f32(g)
      ? g.op('HardSigmoid', [x], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } })
      : clamp(g, g.op('Add', [g.op('Div', [x, g.scalar(6)]), g.scalar(0.5)]), 0, 1),
  hardTanh: (g, x) => clamp(g, x, -1, 1),
};

/** The built-in families, by the name their members carry ('leakyRelu(0.2)'). */
const FAMILIES = { rbf, leakyRelu, elu } as const;
const CALL = /^([A-Za-z]+)\((.*)\)$/;

/**
 * Every lowering, for fromONNX to recognise what toONNX wrote: the catalog name, and whether its
 * lowering takes the parameter of a family (γ of rbf, α of leakyRelu and elu).
 */
export const LOWERINGS_BY_NAME: readonly { name: string; lower: Lowering; family: boolean }[] =
  Object.entries(LOWERINGS).map(([name, lower]) => ({ name, lower, family: name in FAMILIES }));

/** The lowering and parameters of `fn`, if it is a built-in or a member of a built-in family. */
function findLowering(fn: Activation): { lower: Lowering; params: number[] } | undefined {
  for (const builtIn of BUILT_INS.activations as readonly DefinedActivation[]) {
    if (builtIn === fn || builtIn.entry.fn === fn) {
      return { lower: LOWERINGS[builtIn.entry.name as BuiltInName], params: [] };
    }
  }
  if (!isFamilyMember(fn)) return undefined;
  const call = CALL.exec((fn as DefinedActivation).entry.name);
  const family = call?.[1];
  if (!call || !family || !(family in FAMILIES)) return undefined;
  const params = (call[2] as string).split(',').map((s) => Number(s.trim()));
  return { lower: LOWERINGS[family as keyof typeof FAMILIES], params };
}

/**
 * Writes activation `fn` applied to value `x` into the graph; an activation defined by the user
 * (not a built-in) is an error naming it and `where` it sits.
 */
export function lowerActivation(
  g: GraphBuilder,
  fn: Activation,
  x: string,
  opset: number,
  where: string,
): string {
  const found = findLowering(fn);
  if (!found) {
    const name =
      (fn as Partial<DefinedActivation>).entry?.name ?? (fn.name || 'an unnamed function');
    throw new ValueError(
      `toONNX: ${where} uses the activation '${name}', which has no ONNX form: only the built-in activations (sigmoid, relu, tanh, …, and the families rbf(γ), leakyRelu(α), elu(α)) can be exported`,
    );
  }
  return found.lower(g, x, found.params, opset);
}

/** The ONNX form of exp(−γa²) for the RBF module, whose γ may be learned. */
export function lowerRbf(g: GraphBuilder, x: string, gamma: number, opset: number): string {
  return LOWERINGS.rbf(g, x, [gamma], opset);
}
