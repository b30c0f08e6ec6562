// Saving: a model as a saved-model document (saved-model.ts). Each model is described by the codec
// of its own class, found through the model itself, so saving needs no list of the classes and a
// layer can offer toJSON() without importing every other one.
import { type DType, type Tensor, ValueError } from '@backprop/core';
import type { Module } from './module.js';
import {
  type Codec,
  type Described,
  MAX_DEPTH,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_TYPES,
  type ModelSpecJSON,
  type ModelType,
  type ParameterShape,
  type SavedModel,
  type SavedParameter,
} from './saved-model.js';

/**
 * The model as a plain JSON-able object: architecture, activation names, dtype and every weight.
 * Refuses (ValueError) models that could not be loaded back: an activation that is not in the
 * catalog, a non-finite weight, a module of a type it does not know, mixed dtypes.
 * @example
 * const mlp = new MLP({ inputs: 2, hidden: [3], seed: 0 });
 * const copy = fromJSON(toJSON(mlp));
 * // bit for bit the same weights, so the same outputs
 * console.log(copy.forward(tensor([[0.5, -1]])).item() === mlp.forward([[0.5, -1]]).item()); // → true
 */
export function toJSON(model: Module): SavedModel {
  const met = new Map<ModelType, Codec>(); // the codecs of the models met: all that spec holds
  const { spec, tensors } = describeModel(model, '', 'the model', 0, met);
  checkSameParameters(
    tensors,
    parameterShapes(spec, '', (type) => met.get(type) as Codec),
  );
  let dtype: DType | undefined;
  let dtypeFrom = '';
  const parameters: [string, SavedParameter][] = [];
  for (const [name, t] of tensors) {
    if (dtype !== undefined && t.dtype !== dtype) {
      throw new ValueError(
        `toJSON: the model mixes dtypes (${JSON.stringify(dtypeFrom)} is ${dtype}, ${JSON.stringify(name)} is ${t.dtype}); cast the layers to one dtype before saving`,
      );
    }
    dtype = t.dtype;
    dtypeFrom = name;
    parameters.push([name, { shape: [...t.shape], values: finiteValues(name, t) }]);
  }
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    ...spec,
    dtype: dtype ?? 'float64', // a model without parameters (activations only)
    // fromEntries defines own properties, whatever the names
    parameters: Object.fromEntries(parameters),
  } as SavedModel;
}

/**
 * The saved model as JSON text, every weight exact: unlike `JSON.stringify(toJSON(model))` it keeps
 * the sign of −0 (JSON.stringify writes 0). One line per parameter.
 */
export function toJSONString(model: Module): string {
  const { parameters, ...header } = toJSON(model);
  const head = JSON.stringify(header, null, 2);
  const lines = Object.entries(parameters).map(
    ([name, p]) =>
      `    ${JSON.stringify(name)}: {"shape": ${JSON.stringify(p.shape)}, "values": [${p.values.map(numberText).join(',')}]}`,
  );
  const body = lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n  }`;
  return `${head.slice(0, -2)},\n  "parameters": ${body}\n}\n`;
}

/** A finite number as JSON text; −0 keeps its sign (JSON.parse reads "-0" as −0). */
function numberText(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The tensor's elements as JS numbers; a NaN or ±Infinity refuses the save, naming where it is. */
function finiteValues(name: string, t: Tensor): number[] {
  const values = Array.from(t.data);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ValueError(
        `toJSON: parameter ${JSON.stringify(name)} holds ${values[i]} at ${indexLabel(i, t.shape)}; a model with non-finite weights cannot be saved (it would not load)`,
      );
    }
  }
  return values;
}

/** "index 5 ([1, 2] in shape [2, 3])" for flat index 5. */
function indexLabel(flat: number, shape: readonly number[]): string {
  if (shape.length < 2) return `index ${flat}`;
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    index.unshift(rest % n);
    rest = Math.floor(rest / n);
  }
  return `index ${flat} ([${index.join(', ')}] in shape [${shape.join(', ')}])`;
}

/** The codec of exactly the model's class (a subclass may do what a config cannot say), if any. */
function codecOf(model: unknown): Codec | undefined {
  if (typeof model !== 'object' || model === null) return undefined;
  const cls: unknown = Object.getPrototypeOf(model)?.constructor;
  const codec = (cls as { codec?: Codec } | undefined)?.codec;
  return codec?.model === cls ? codec : undefined;
}

/** "A, B, C and D". */
function list(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * The spec and tensors of `model` and of every model nested in it, each through its own codec;
 * `label` names it in errors ('the model', 'layers.2'), `prefix` starts its parameter names, and
 * `met` collects the codecs used.
 */
export function describeModel(
  model: unknown,
  prefix: string,
  label: string,
  depth: number,
  met = new Map<ModelType, Codec>(),
): Described {
  if (depth > MAX_DEPTH) {
    throw new ValueError(
      `toJSON: ${label}: models nested deeper than ${MAX_DEPTH} Sequentials cannot be saved`,
    );
  }
  const codec = codecOf(model);
  if (!codec) {
    const kind =
      typeof model === 'object' && model !== null
        ? `class ${model.constructor?.name || 'unknown'}`
        : typeof model;
    throw new ValueError(
      `toJSON: ${label} (${kind}) cannot be saved: only ${list(MODEL_TYPES)} (the classes themselves, not subclasses) and catalog activations can be saved`,
    );
  }
  met.set(codec.type, codec);
  const { config, tensors } = codec.describe(model as Module, { prefix, label }, (m, p, l) =>
    describeModel(m, p, l, depth + 1, met),
  );
  return { spec: { type: codec.type, config } as ModelSpecJSON, tensors };
}

/** Every parameter name and shape that `spec` implies, in `namedParameters()` order. */
export function parameterShapes(
  spec: ModelSpecJSON,
  prefix: string,
  codecFor: (type: ModelType) => Codec,
): ParameterShape[] {
  return codecFor(spec.type).parameters(spec.config, prefix, (s, p) =>
    parameterShapes(s, p, codecFor),
  );
}

/** Both lists name the same parameters with the same shapes (a check on the codecs' bookkeeping). */
export function checkSameParameters(tensors: [string, Tensor][], expected: ParameterShape[]): void {
  const got = tensors.map(([n, t]) => `${n} [${t.shape.join(', ')}]`).join(', ');
  const want = expected.map(([n, s]) => `${n} [${s.join(', ')}]`).join(', ');
  if (got !== want) {
    throw new Error(
      `serialize: internal error: the model holds parameters ${got} but its config implies ${want}; please report this`,
    );
  }
}
