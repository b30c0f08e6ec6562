// Saving and loading models as plain JSON: architecture, activation names, dtype and every weight,
// exactly. Browser-safe (no Node APIs; files are node.ts). Loading checks the whole document
// before it builds anything, so bad input gives an error naming the spot, never a half-built model.
import { BackpropError, type DType, type Tensor, ValueError } from '@backprop/core';
import { activationName, getActivationEntry } from './activation-catalog.js';
import type { Activation } from './define-activation.js';
import { getInitializer } from './init.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import type { Module } from './module.js';
import { RBF } from './rbf.js';
import { Sequential } from './sequential.js';

/** The value of `format` in every saved model. */
export const MODEL_FORMAT = 'backprop-model';
/** The format version this library writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** The models that can be saved: these classes themselves (not subclasses), nested freely in Sequential. */
export type SavableModel = Linear | MLP | Sequential | RBF;
export type ModelType = 'Linear' | 'MLP' | 'Sequential' | 'RBF';

export interface LinearConfigJSON {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

/** `mlp.config` without its dtype (saved once, at the top), activations by catalog name. */
export interface MLPConfigJSON {
  inputs: number;
  hidden: number[];
  outputs: number;
  /** One catalog name per hidden layer. */
  activation: string[];
  outputActivation: string;
  /** One initialiser name per layer of weights (k + 1); kept so `mlp.config` survives a round trip. */
  init: string[];
  seed: number;
}

/** A learnable γ is saved among the parameters (as `gamma`, shape []); a fixed one here. */
export type RBFConfigJSON = { learnable: true } | { learnable: false; gamma: number };

/** One item of a Sequential: an activation by catalog name, or a nested model. */
export type SequentialItemJSON = { type: 'activation'; name: string } | ModelSpecJSON;

export interface SequentialConfigJSON {
  layers: SequentialItemJSON[];
}

/** A model's architecture: its type and config (what a Sequential item holds, too). */
export type ModelSpecJSON =
  | { type: 'Linear'; config: LinearConfigJSON }
  | { type: 'MLP'; config: MLPConfigJSON }
  | { type: 'Sequential'; config: SequentialConfigJSON }
  | { type: 'RBF'; config: RBFConfigJSON };

export interface SavedParameter {
  shape: number[];
  /** The elements in row-major order (float32 ones widened exactly to JS numbers). */
  values: number[];
}

/** A saved model: plain JSON. */
export type SavedModel = ModelSpecJSON & {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  dtype: DType;
  /** Every parameter under its `namedParameters()` name, e.g. `layers.0.weight`. */
  parameters: Record<string, SavedParameter>;
};

/**
 * A saved model that cannot be read: malformed, truncated or hostile. `path` says where in the
 * document, e.g. `parameters["layers.0.weight"].values[3]` ('' for the document as a whole).
 */
export class ModelFormatError extends ValueError {
  /** Where in the document, e.g. `config.hidden[1]`; '' for the document as a whole. */
  readonly path: string;
  /** What is wrong there, without the prefix. */
  readonly problem: string;
  /** The file it was read from (set by `load` in `@backprop/layers/node`). */
  readonly file: string | undefined;

  constructor(problem: string, options: { path?: string; file?: string; source?: string } = {}) {
    const { path = '', file, source = 'fromJSON' } = options;
    super(`${source}: ${path ? `${path}: ` : ''}${problem}`);
    this.path = path;
    this.problem = problem;
    this.file = file;
  }
}

// ------------------------------------------------------------------------------------ saving

/**
 * The model as a plain JSON-able object: architecture, activation names, dtype and every weight.
 * Refuses (ValueError) models that could not be loaded back: an activation that is not in the
 * catalog, a non-finite weight, a module of a type it does not know, mixed dtypes.
 * @example
 * const saved = toJSON(new MLP({ inputs: 2, hidden: [3], seed: 0 }));
 * const copy = fromJSON(saved); // same outputs, bit for bit the same weights
 */
export function toJSON(model: Module): SavedModel {
  const { spec, tensors } = describeModel(model, '', 'the model', 0);
  const expected = parameterSpec(spec, '');
  checkSameParameters(tensors, expected);
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
    const n = shape[d] as number;
    index.unshift(rest % n);
    rest = Math.floor(rest / n);
  }
  return `index ${flat} ([${index.join(', ')}] in shape [${shape.join(', ')}])`;
}

interface Described {
  spec: ModelSpecJSON;
  /** Every tensor the spec's parameters are read from, found through the model's structure. */
  tensors: [string, Tensor][];
}

const MAX_DEPTH = 64;

/** The exact class of `model`: subclasses may change behaviour a saved config cannot describe. */
function isExactly<T>(model: unknown, cls: { prototype: T }): model is T {
  return (
    typeof model === 'object' && model !== null && Object.getPrototypeOf(model) === cls.prototype
  );
}

/** `label` names the module in errors ('the model', 'layers.2'); `prefix` starts its parameter names. */
function describeModel(model: unknown, prefix: string, label: string, depth: number): Described {
  if (depth > MAX_DEPTH) {
    throw new ValueError(
      `toJSON: ${label}: models nested deeper than ${MAX_DEPTH} Sequentials cannot be saved`,
    );
  }
  if (isExactly(model, Linear)) {
    const tensors: [string, Tensor][] = [[`${prefix}weight`, model.weight]];
    if (model.bias) tensors.push([`${prefix}bias`, model.bias]);
    return {
      spec: {
        type: 'Linear',
        config: {
          inFeatures: model.inFeatures,
          outFeatures: model.outFeatures,
          bias: model.bias !== null,
        },
      },
      tensors,
    };
  }
  if (isExactly(model, MLP)) {
    const { inputs, hidden, outputs, init, seed } = model.config;
    const activation = model.activations.map((fn, i) =>
      savedActivationName(fn, `${label} (MLP), the activation of hidden layer ${i + 1}`),
    );
    const outputActivation = savedActivationName(
      model.outputActivation,
      `${label} (MLP), its outputActivation`,
    );
    const tensors: [string, Tensor][] = [];
    model.layers.forEach((layer, j) => {
      tensors.push([`${prefix}layers.${j}.weight`, layer.weight]);
      if (layer.bias) tensors.push([`${prefix}layers.${j}.bias`, layer.bias]);
    });
    return {
      spec: {
        type: 'MLP',
        config: {
          inputs,
          hidden: [...hidden],
          outputs,
          activation,
          outputActivation,
          init: [...init],
          seed,
        },
      },
      tensors,
    };
  }
  if (isExactly(model, Sequential)) {
    const layers: SequentialItemJSON[] = [];
    const tensors: [string, Tensor][] = [];
    model.layers.forEach((item, i) => {
      const itemLabel = `${prefix}layers.${i}`;
      if (typeof item === 'function') {
        layers.push({
          type: 'activation',
          name: savedActivationName(item, `${itemLabel} (an activation in a Sequential)`),
        });
      } else {
        const inner = describeModel(item, `${itemLabel}.`, itemLabel, depth + 1);
        layers.push(inner.spec);
        tensors.push(...inner.tensors);
      }
    });
    return { spec: { type: 'Sequential', config: { layers } }, tensors };
  }
  if (isExactly(model, RBF)) {
    const g = model.gamma;
    return typeof g === 'number'
      ? { spec: { type: 'RBF', config: { learnable: false, gamma: g } }, tensors: [] }
      : { spec: { type: 'RBF', config: { learnable: true } }, tensors: [[`${prefix}gamma`, g]] };
  }
  const kind =
    typeof model === 'object' && model !== null
      ? `class ${model.constructor?.name || 'unknown'}`
      : typeof model;
  throw new ValueError(
    `toJSON: ${label} (${kind}) cannot be saved: only Linear, MLP, Sequential and RBF (the classes themselves, not subclasses) and catalog activations can be saved`,
  );
}

/** The catalog name of `fn`, or an error saying how to get it into the catalog. */
function savedActivationName(fn: Activation, where: string): string {
  const name = activationName(fn);
  if (name !== undefined) return name;
  const defined = (fn as { entry?: { name?: unknown } }).entry?.name;
  const hint =
    typeof defined === 'string'
      ? `it was made by defineActivation as '${defined}' but is not registered: call registerActivation(${defined}) before saving`
      : `define it with defineActivation({ name: '${fn.name || 'myActivation'}', fn }) and registerActivation(...) it, then use that, before saving`;
  throw new ValueError(
    `toJSON: ${where} uses an activation that is not in the activation catalog, so it cannot be saved by name; ${hint}`,
  );
}

// ------------------------------------------------------------------------- what a config implies

/** Every parameter name with its shape, in `namedParameters()` order, from an architecture alone. */
function parameterSpec(spec: ModelSpecJSON, prefix: string): [string, number[]][] {
  switch (spec.type) {
    case 'Linear': {
      const { inFeatures, outFeatures, bias } = spec.config;
      const out: [string, number[]][] = [[`${prefix}weight`, [inFeatures, outFeatures]]];
      if (bias) out.push([`${prefix}bias`, [outFeatures]]);
      return out;
    }
    case 'MLP': {
      const { inputs, hidden, outputs } = spec.config;
      const sizes = [inputs, ...hidden, outputs];
      return hidden.concat(outputs).flatMap((to, j): [string, number[]][] => [
        [`${prefix}layers.${j}.weight`, [sizes[j] as number, to]],
        [`${prefix}layers.${j}.bias`, [to]],
      ]);
    }
    case 'Sequential':
      return spec.config.layers.flatMap((item, i) =>
        item.type === 'activation' ? [] : parameterSpec(item, `${prefix}layers.${i}.`),
      );
    case 'RBF':
      return spec.config.learnable ? [[`${prefix}gamma`, []]] : [];
  }
}

/** Both lists name the same parameters with the same shapes (a check on this file's own bookkeeping). */
function checkSameParameters(tensors: [string, Tensor][], expected: [string, number[]][]): void {
  const got = tensors.map(([n, t]) => `${n} [${t.shape.join(', ')}]`).join(', ');
  const want = expected.map(([n, s]) => `${n} [${s.join(', ')}]`).join(', ');
  if (got !== want) {
    throw new Error(
      `serialize: internal error: the model holds parameters ${got} but its config implies ${want}; please report this`,
    );
  }
}

// ------------------------------------------------------------------------------------ loading

/**
 * A new model from what `toJSON` gave (the object or its JSON text). Everything is checked before
 * anything is built: a malformed, truncated or hostile document is a `ModelFormatError` naming
 * where, e.g. `parameters["layers.0.weight"].values[3]: expected a finite number, got null`.
 * @example
 * const model = fromJSON(await (await fetch('model.json')).text());
 */
export function fromJSON(json: unknown): SavableModel {
  const doc = typeof json === 'string' ? parseText(json) : json;
  const top = readObject(doc, '', {
    required: ['format', 'version', 'type', 'config', 'dtype', 'parameters'],
  });
  if (top.format !== MODEL_FORMAT) {
    throw new ModelFormatError(
      `expected ${JSON.stringify(MODEL_FORMAT)}, got ${describe(top.format)}`,
      { path: 'format' },
    );
  }
  if (top.version !== MODEL_FORMAT_VERSION) {
    const newer = typeof top.version === 'number' && top.version > MODEL_FORMAT_VERSION;
    throw new ModelFormatError(
      `expected ${MODEL_FORMAT_VERSION}, got ${describe(top.version)}${newer ? ' (written by a newer @backprop/layers: upgrade to read it)' : ''}`,
      { path: 'version' },
    );
  }
  if (top.dtype !== 'float64' && top.dtype !== 'float32') {
    throw new ModelFormatError(`expected 'float64' or 'float32', got ${describe(top.dtype)}`, {
      path: 'dtype',
    });
  }
  const dtype: DType = top.dtype;
  const spec = readSpec(top.type, top.config, '', 0);
  const expected = parameterSpec(spec, '');
  const values = readParameters(top.parameters, expected, dtype);

  // Everything is known good: build, then fill in the weights.
  let model: SavableModel;
  try {
    model = build(spec, dtype);
  } catch (e) {
    // the checks above should leave the constructors nothing to refuse; if one does, say so here
    if (!(e instanceof BackpropError)) throw e;
    throw new ModelFormatError(`the model could not be built from it: ${e.message}`, {
      path: 'config',
    });
  }
  const { tensors } = describeModel(model, '', 'the loaded model', 0);
  checkSameParameters(tensors, expected);
  for (const [name, t] of tensors) t.data.set(values.get(name) as number[]);
  return model;
}

/** JSON.parse with an error that says where the text breaks off (a truncated file ends early). */
function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const match = /at position (\d+)/.exec(message);
    let where = '';
    const position = match
      ? Number(match[1])
      : /end of JSON input/.test(message)
        ? text.length
        : -1;
    if (position >= 0) {
      where = `${match ? '' : ` at position ${position}`} (${lineColumn(text, position)})`;
      if (position >= text.trimEnd().length) where += ': the text ends there; is it truncated?';
    }
    throw new ModelFormatError(`the text is not valid JSON: ${message}${where}`);
  }
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

/** Keys that could reach a prototype if some code ever copied them around: refused outright. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** `parameters["layers.0.weight"]`, `config.hidden`: how a path names a key. */
function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? path
      ? `${path}.${key}`
      : key
    : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

type JsonObject = Record<string, unknown>;

/** A plain object with exactly the `required` keys (and any of `optional`); forbidden keys refused. */
function readObject(
  value: unknown,
  path: string,
  keys: { required: readonly string[]; optional?: readonly string[] },
): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFormatError(`expected an object, got ${describe(value)}`, { path });
  }
  const allowed = [...keys.required, ...(keys.optional ?? [])];
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) {
      throw new ModelFormatError(
        `the key ${JSON.stringify(key)} is not allowed (it could pollute prototypes)`,
        {
          path,
        },
      );
    }
    if (!allowed.includes(key)) {
      throw new ModelFormatError(
        `unexpected key ${JSON.stringify(key)}; expected ${allowed.map((k) => JSON.stringify(k)).join(', ')}`,
        { path },
      );
    }
  }
  for (const key of keys.required) {
    if (!Object.hasOwn(value, key)) {
      throw new ModelFormatError(`missing key ${JSON.stringify(key)}`, { path });
    }
  }
  return value as JsonObject;
}

function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new ModelFormatError(`expected an array, got ${describe(value)}`, { path });
  return value;
}

function readSize(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ModelFormatError(`expected a positive integer, got ${describe(value)}`, { path });
  }
  return value;
}

function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new ModelFormatError(`expected true or false, got ${describe(value)}`, { path });
  return value;
}

/** A catalog name that resolves (user activations must be registered before loading). */
function readActivation(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new ModelFormatError(`expected an activation name, got ${describe(value)}`, { path });
  }
  try {
    getActivationEntry(value);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    throw new ModelFormatError(
      `${e.message} (a user-defined activation must be registered with registerActivation before loading)`,
      { path },
    );
  }
  return value;
}

const TYPES: readonly string[] = ['Linear', 'MLP', 'Sequential', 'RBF'];

/** Checks a type and its config, with every field's type and range, and returns the architecture. */
function readSpec(type: unknown, config: unknown, path: string, depth: number): ModelSpecJSON {
  const typePath = child(path, 'type');
  const configPath = child(path, 'config');
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    throw new ModelFormatError(
      `expected one of ${TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(type)}`,
      { path: typePath },
    );
  }
  if (depth > MAX_DEPTH) {
    throw new ModelFormatError(`Sequentials nested deeper than ${MAX_DEPTH} are refused`, { path });
  }
  const at = (key: string) => child(configPath, key);
  switch (type) {
    case 'Linear': {
      const c = readObject(config, configPath, { required: ['inFeatures', 'outFeatures', 'bias'] });
      return {
        type,
        config: {
          inFeatures: readSize(c.inFeatures, at('inFeatures')),
          outFeatures: readSize(c.outFeatures, at('outFeatures')),
          bias: readBoolean(c.bias, at('bias')),
        },
      };
    }
    case 'MLP': {
      const c = readObject(config, configPath, {
        required: ['inputs', 'hidden', 'outputs', 'activation', 'outputActivation', 'init', 'seed'],
      });
      const inputs = readSize(c.inputs, at('inputs'));
      const hidden = readArray(c.hidden, at('hidden')).map((m, i) =>
        readSize(m, `${at('hidden')}[${i}]`),
      );
      const outputs = readSize(c.outputs, at('outputs'));
      const acts = readArray(c.activation, at('activation'));
      if (acts.length !== hidden.length) {
        throw new ModelFormatError(
          `expected one activation name per hidden layer (${hidden.length}), got ${acts.length}`,
          { path: at('activation') },
        );
      }
      const activation = acts.map((a, i) => readActivation(a, `${at('activation')}[${i}]`));
      const outputActivation = readActivation(c.outputActivation, at('outputActivation'));
      const inits = readArray(c.init, at('init'));
      if (inits.length !== hidden.length + 1) {
        throw new ModelFormatError(
          `expected one initialiser name per layer of weights (${hidden.length + 1}), got ${inits.length}`,
          { path: at('init') },
        );
      }
      const init = inits.map((name, j) => {
        const p = `${at('init')}[${j}]`;
        if (typeof name !== 'string')
          throw new ModelFormatError(`expected an initialiser name, got ${describe(name)}`, {
            path: p,
          });
        try {
          getInitializer(name);
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          throw new ModelFormatError(e.message, { path: p });
        }
        return name;
      });
      const seed = c.seed;
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
        throw new ModelFormatError(`expected an integer, got ${describe(seed)}`, {
          path: at('seed'),
        });
      }
      return {
        type,
        config: { inputs, hidden, outputs, activation, outputActivation, init, seed },
      };
    }
    case 'Sequential': {
      const c = readObject(config, configPath, { required: ['layers'] });
      const layers = readArray(c.layers, at('layers')).map((item, i): SequentialItemJSON => {
        const p = `${at('layers')}[${i}]`;
        if (
          typeof item === 'object' &&
          item !== null &&
          Object.hasOwn(item, 'type') &&
          (item as JsonObject).type === 'activation'
        ) {
          const a = readObject(item, p, { required: ['type', 'name'] });
          return { type: 'activation', name: readActivation(a.name, child(p, 'name')) };
        }
        const m = readObject(item, p, { required: ['type', 'config'] });
        if (typeof m.type !== 'string' || !TYPES.includes(m.type)) {
          throw new ModelFormatError(
            `expected 'activation' or one of ${TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(m.type)}`,
            { path: child(p, 'type') },
          );
        }
        return readSpec(m.type, m.config, p, depth + 1);
      });
      return { type, config: { layers } };
    }
    default: {
      // 'RBF'
      const learnable =
        typeof config === 'object' && config !== null && (config as JsonObject).learnable;
      const c = readObject(config, configPath, {
        required: learnable === true ? ['learnable'] : ['learnable', 'gamma'],
      });
      if (readBoolean(c.learnable, at('learnable')))
        return { type: 'RBF', config: { learnable: true } };
      const gamma = c.gamma;
      if (typeof gamma !== 'number' || !Number.isFinite(gamma) || !(gamma > 0)) {
        throw new ModelFormatError(`expected a positive number, got ${describe(gamma)}`, {
          path: at('gamma'),
        });
      }
      return { type: 'RBF', config: { learnable: false, gamma } };
    }
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks `parameters` against what the config implies: exactly these names, each shape equal,
 * each `values` an array of that many finite numbers (in float32's range for float32). Sizes are
 * compared before anything is allocated.
 */
function readParameters(
  value: unknown,
  expected: [string, number[]][],
  dtype: DType,
): Map<string, number[]> {
  const path = 'parameters';
  const names = expected.map(([n]) => n);
  const params = readObject(value, path, { required: [], optional: names });
  for (const name of names) {
    if (!Object.hasOwn(params, name)) {
      throw new ModelFormatError(
        `missing parameter ${JSON.stringify(name)}; this config has ${names.map((n) => JSON.stringify(n)).join(', ')}`,
        { path },
      );
    }
  }
  const out = new Map<string, number[]>();
  for (const [name, shape] of expected) {
    const p = child(path, name);
    const entry = readObject(params[name], p, { required: ['shape', 'values'] });
    const got = readArray(entry.shape, child(p, 'shape'));
    const sameShape = got.length === shape.length && got.every((n, i) => n === shape[i]);
    if (!sameShape) {
      const gotText = got.every((n) => typeof n === 'number')
        ? `[${got.join(', ')}]`
        : JSON.stringify(got);
      throw new ModelFormatError(
        `expected [${shape.join(', ')}] (from the config), got ${gotText}`,
        { path: child(p, 'shape') },
      );
    }
    const values = readArray(entry.values, child(p, 'values'));
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new ModelFormatError(
        `expected ${size} numbers (shape [${shape.join(', ')}]), got ${values.length}`,
        { path: child(p, 'values') },
      );
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ModelFormatError(`expected a finite number, got ${describe(v)}`, {
          path: `${child(p, 'values')}[${i}]`,
        });
      }
      if (dtype === 'float32' && Math.abs(v) > FLOAT32_MAX && !Number.isFinite(Math.fround(v))) {
        throw new ModelFormatError(`${v} is outside float32's range (±${FLOAT32_MAX})`, {
          path: `${child(p, 'values')}[${i}]`,
        });
      }
    }
    out.set(name, values as number[]);
  }
  return out;
}

/** A fresh model for a checked architecture (its weights are overwritten by the caller). */
function build(spec: ModelSpecJSON, dtype: DType): SavableModel {
  switch (spec.type) {
    case 'Linear': {
      const { inFeatures, outFeatures, bias } = spec.config;
      // zeros and a fixed seed: no random draws, and core's global generator is left alone
      return new Linear(inFeatures, outFeatures, {
        bias,
        dtype,
        init: 'zeros',
        biasInit: 'zeros',
        seed: 0,
      });
    }
    case 'MLP':
      return new MLP({ ...spec.config, dtype });
    case 'Sequential':
      return new Sequential(
        ...spec.config.layers.map((item) =>
          item.type === 'activation' ? item.name : build(item, dtype),
        ),
      );
    case 'RBF':
      // a learnable γ gets its value with the other parameters (it may have been trained to any sign)
      return spec.config.learnable
        ? new RBF({ gamma: 1, learnable: true, dtype })
        : new RBF({ gamma: spec.config.gamma, dtype });
  }
}
