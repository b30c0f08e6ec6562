// Loading: a model from a saved-model document (saved-model.ts), checked whole before anything is
// built. The document's `type` picks the codec from the table in codecs.ts.
import { BackpropError, type DType, echoList, echoValue } from '@backprop/core';
import { CODECS, type SavableModel } from './codecs.js';
import { child, readArray, readObject } from './read-json.js';
import {
  type Codec,
  isModelType,
  MAX_DEPTH,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_TYPES,
  ModelFormatError,
  type ModelSpecJSON,
  type ModelType,
  type ParameterShape,
} from './saved-model.js';
import { checkSameParameters, describeModel, parameterShapes } from './to-json.js';

/**
 * A new model from what `toJSON` gave (the object or its JSON text). Everything is checked before
 * anything is built: a malformed, truncated or hostile document is a `ModelFormatError` naming
 * where, e.g. `parameters["layers.0.weight"].values[3]: expected a finite number, got null`.
 * @example
 * const text = toJSONString(new MLP({ inputs: 2, hidden: [3], seed: 0 }));
 * // in a browser: const text = await (await fetch('model.json')).text();
 * const model = fromJSON(text);
 * console.log(model.describe()); // → MLP(2 → 3 sigmoid → 1 identity)
 */
export function fromJSON(json: unknown): SavableModel {
  const doc = typeof json === 'string' ? parseText(json) : json;
  const top = readObject(doc, '', {
    required: ['format', 'version', 'type', 'config', 'dtype', 'parameters'],
  });
  if (top.format !== MODEL_FORMAT) {
    throw new ModelFormatError(
      `expected ${JSON.stringify(MODEL_FORMAT)}, got ${echoValue(top.format)}`,
      { path: 'format' },
    );
  }
  if (top.version !== MODEL_FORMAT_VERSION) {
    const newer = typeof top.version === 'number' && top.version > MODEL_FORMAT_VERSION;
    throw new ModelFormatError(
      `expected ${MODEL_FORMAT_VERSION}, got ${echoValue(top.version)}${newer ? ' (written by a newer @backprop/layers: upgrade to read it)' : ''}`,
      { path: 'version' },
    );
  }
  if (top.dtype !== 'float64' && top.dtype !== 'float32') {
    throw new ModelFormatError(`expected 'float64' or 'float32', got ${echoValue(top.dtype)}`, {
      path: 'dtype',
    });
  }
  const dtype: DType = top.dtype;
  const spec = readSpec(top.type, top.config, '', 0);
  const expected = parameterShapes(spec, '', codecFor);
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

/** The codec that reads and builds models of `type`. */
function codecFor(type: ModelType): Codec {
  return CODECS[type];
}

/** Checks a type and its config, every field's type and range, and returns the architecture. */
function readSpec(type: unknown, config: unknown, path: string, depth: number): ModelSpecJSON {
  if (!isModelType(type)) {
    throw new ModelFormatError(
      `expected one of ${MODEL_TYPES.map((t) => `'${t}'`).join(', ')}, got ${echoValue(type)}`,
      { path: child(path, 'type') },
    );
  }
  if (depth > MAX_DEPTH) {
    throw new ModelFormatError(`Sequentials nested deeper than ${MAX_DEPTH} are refused`, { path });
  }
  const codec = codecFor(type);
  const read = codec.read(config, child(path, 'config'), (t, c, p) => readSpec(t, c, p, depth + 1));
  return { type: codec.type, config: read } as ModelSpecJSON;
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

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks `parameters` against what the config implies: exactly these names, each shape equal,
 * each `values` an array of that many finite numbers (in float32's range for float32). Sizes are
 * compared before anything is allocated.
 */
function readParameters(
  value: unknown,
  expected: ParameterShape[],
  dtype: DType,
): Map<string, number[]> {
  const path = 'parameters';
  const names = expected.map(([n]) => n);
  const params = readObject(value, path, { required: [], optional: names });
  for (const name of names) {
    if (!Object.hasOwn(params, name)) {
      throw new ModelFormatError(
        `missing parameter ${JSON.stringify(name)}; this config has ${echoList(names, 'parameters')}`,
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
      // each item described, not stringified: it may be nested 20,000 deep or hold a 1 MB string
      const items = got.slice(0, 10).map((n) => (typeof n === 'number' ? String(n) : echoValue(n)));
      if (got.length > 10) items.push(`… (${got.length} items)`);
      const gotText = `[${items.join(got.every((n) => typeof n === 'number') ? ', ' : ',')}]`;
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
        throw new ModelFormatError(`expected a finite number, got ${echoValue(v)}`, {
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
  return codecFor(spec.type).build(spec.config, dtype, build) as SavableModel;
}
