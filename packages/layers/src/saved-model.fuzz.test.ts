// Property-based tests of fromJSON (issue 18): documents saved by toJSON, then mutated (types, keys,
// shapes, numbers, prototype keys, nesting, sizes), either load a model whose forward pass is finite
// and whose re-save is the document loaded, or throw a ModelFormatError whose path is in the document.
// The seed is fixed; FUZZ_RUNS (an environment variable) raises the number of runs before a release.
import { tensor } from '@backprop/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromJSON,
  Linear,
  MLP,
  ModelFormatError,
  type Module,
  RBF,
  type SavedModel,
  Sequential,
  toJSON,
} from './index.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const runs = { seed: 18, numRuns: Number(env?.FUZZ_RUNS ?? 300) };
/** Vitest's time limit per property: generous, since FUZZ_RUNS may be 100,000. */
const timeout = 10_000 + 5 * runs.numRuns;

/** Valid documents, each made by the library's own toJSON. */
function bases(): SavedModel[] {
  const models: Module[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    models.push(
      new Linear(3, 2, { dtype, seed: 1 }),
      new Linear(2, 1, { bias: false, dtype, seed: 2 }),
      new MLP({
        inputs: 2,
        hidden: [3, 2],
        outputs: 1,
        activation: ['tanh', 'relu'],
        dtype,
        seed: 3,
      }),
      new MLP({
        inputs: 3,
        hidden: [2],
        outputs: 2,
        activation: 'leakyRelu(0.2)',
        outputActivation: 'sigmoid',
        dtype,
        seed: 4,
      }),
      new Sequential(
        new Linear(2, 3, { dtype, seed: 5 }),
        'elu(0.5)',
        new RBF({ gamma: 0.5, dtype }),
        new Sequential(new Linear(3, 2, { dtype, seed: 6 }), new RBF({ learnable: true, dtype })),
        new MLP({ inputs: 2, hidden: [2], outputs: 1, activation: 'silu', dtype, seed: 7 }),
        'tanh',
      ),
    );
  }
  return models.map((m) => JSON.parse(JSON.stringify(toJSON(m))) as SavedModel);
}
const BASES = bases();

/** A deep copy of a JSON document. */
const clone = <T>(doc: T): T => JSON.parse(JSON.stringify(doc)) as T;

type Key = string | number;
type Container = Record<string, unknown> | unknown[];

/** Every location in the document (its key path), the document itself first; not inside deep nests. */
function locations(doc: unknown): Key[][] {
  const out: Key[][] = [];
  const todo: [unknown, Key[]][] = [[doc, []]];
  while (todo.length > 0) {
    const [value, at] = todo.pop() as [unknown, Key[]];
    out.push(at);
    if (at.length > 12 || typeof value !== 'object' || value === null) continue;
    for (const k of Object.keys(value)) {
      todo.push([
        (value as Record<string, unknown>)[k],
        [...at, Array.isArray(value) ? Number(k) : k],
      ]);
    }
  }
  return out;
}

/** An own property, whatever the name (`o.__proto__ = v` would set the prototype instead). */
function put(o: Container, key: Key, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

const hugeString = fc.constantFrom(61, 1000, 100_000).map((n) => 'x'.repeat(n));
/** Arrays nested `depth` deep, built when the mutation is applied (fast-check prints it short). */
class Deep {
  constructor(readonly depth: number) {}
  build(): unknown {
    let v: unknown = 1;
    for (let i = 0; i < this.depth; i++) v = [v];
    return v;
  }
  [fc.toStringMethod](): string {
    return `<arrays ${this.depth} deep>`;
  }
}
const deep = fc.integer({ min: 1, max: 2_000 }).map((n) => new Deep(n));
const oddNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  2,
  3,
  1e39,
  -1e39,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
);
const names = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'type',
  'config',
  'layers',
  'shape',
  'values',
  'learnable',
  'gamma',
  'activation',
  'layers.0.weight',
  'relu',
  'leakyRelu(-1e308)',
  'elu(1e308)',
  'rbf(-1e308)',
  'Linear',
  'Sequential',
  'MLP',
  'RBF',
  'float32',
  'float64',
  '',
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  oddNumber,
  fc.double(),
  fc.integer({ min: -5, max: 70 }),
  names,
  hugeString,
  fc.constantFrom(null, true, false, undefined, [], {}, [1, 2], {
    type: 'activation',
    name: 'relu',
  }),
  deep,
  fc.jsonValue({ maxDepth: 3 }),
);

/** One change to the document: where (an index into its locations) and what. */
type Mutation =
  | { at: number; kind: 'set'; value: unknown }
  | { at: number; kind: 'delete' }
  | { at: number; kind: 'add'; key: string; value: unknown }
  | { at: number; kind: 'rename'; key: string }
  | { at: number; kind: 'nudge'; by: number }
  | { at: number; kind: 'wrap'; inArray: boolean }
  | { at: number; kind: 'duplicate' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('set' as const), value: anyValue }),
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const) }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('add' as const),
    key: fc.oneof(names, hugeString, fc.string()),
    value: anyValue,
  }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('rename' as const),
    key: fc.oneof(names, hugeString),
  }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('nudge' as const),
    by: fc.oneof(oddNumber, fc.double()),
  }),
  fc.record({ at: fc.nat(), kind: fc.constant('wrap' as const), inArray: fc.boolean() }),
  fc.record({ at: fc.nat(), kind: fc.constant('duplicate' as const) }),
);

/** Applies `m` to `doc` in place (or returns a new top level when the change is there). */
function mutate(doc: unknown, mutation: Mutation): unknown {
  // a fresh value each time: fast-check hands out the same constant objects run after run
  const fresh = (v: unknown) =>
    v instanceof Deep ? v.build() : typeof v === 'object' && v !== null ? clone(v) : v;
  const m = 'value' in mutation ? { ...mutation, value: fresh(mutation.value) } : mutation;
  const locs = locations(doc);
  const path = locs[m.at % locs.length] as Key[];
  if (path.length === 0) {
    if (m.kind === 'set') return m.value;
    if (m.kind === 'wrap') return m.inArray ? [doc] : { doc };
    if (m.kind === 'add' && typeof doc === 'object' && doc !== null)
      put(doc as Container, m.key, m.value);
    return doc;
  }
  let parent = doc as Container;
  for (const k of path.slice(0, -1)) parent = (parent as Record<Key, unknown>)[k] as Container;
  const key = path.at(-1) as Key;
  const value = (parent as Record<Key, unknown>)[key];
  switch (m.kind) {
    case 'set':
      put(parent, key, m.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'add':
      if (Array.isArray(value)) value.push(m.value);
      else if (typeof value === 'object' && value !== null) put(value as Container, m.key, m.value);
      else put(parent, key, m.value);
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[key as string];
        put(parent, m.key, value);
      }
      break;
    case 'nudge':
      put(parent, key, typeof value === 'number' ? value + m.by : m.by);
      break;
    case 'wrap':
      put(parent, key, m.inArray ? [value] : { value });
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, fresh(value));
      else put(parent, key, [value, value]);
      break;
  }
  return doc;
}

/** The keys a ModelFormatError's path names, read back independently of the loader. */
function pathKeys(path: string): Key[] | null {
  const keys: Key[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = path;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m) return null;
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3] as string) as string)));
    rest = rest.slice(m[0].length);
  }
  return keys;
}

/** Whether `keys` lead to a value in `doc`, through own properties only. */
function inDocument(doc: unknown, keys: Key[]): boolean {
  let at = doc;
  for (const k of keys) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, k)) return false;
    at = (at as Record<Key, unknown>)[k];
  }
  return true;
}

/** How wide an input the model takes: its first layer's in-features, or any width for activations. */
function inputWidth(spec: { type: string; config: unknown }): number | undefined {
  const c = spec.config as Record<string, unknown>;
  if (spec.type === 'Linear') return c.inFeatures as number;
  if (spec.type === 'MLP') return c.inputs as number;
  if (spec.type === 'Sequential') {
    for (const item of c.layers as { type: string; config: unknown }[]) {
      const w = item.type === 'activation' ? undefined : inputWidth(item);
      if (w !== undefined) return w;
    }
  }
  return undefined;
}

/** Whether every parameter value is moderate (large weights may overflow a forward pass honestly). */
function moderate(doc: SavedModel): boolean {
  return Object.values(doc.parameters).every((p) => p.values.every((v) => Math.abs(v) <= 1e6));
}

/** The document as the loaded model should save it: float32 values rounded to float32. */
function asStored(doc: SavedModel): SavedModel {
  if (doc.dtype !== 'float32') return doc;
  const parameters = Object.entries(doc.parameters).map(
    ([name, p]) => [name, { ...p, values: p.values.map(Math.fround) }] as const,
  );
  return { ...doc, parameters: Object.fromEntries(parameters) };
}

const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();

/** The property: a model that loads behaves and saves back, or a ModelFormatError with a path. */
function check(doc: unknown, asText: boolean): 'loaded' | 'refused' {
  const input = asText ? JSON.stringify(doc) : doc;
  // what the loader actually sees (JSON.stringify drops undefined and writes NaN as null)
  const seen = asText && input !== undefined ? JSON.parse(input as string) : doc;
  let model: Module;
  try {
    model = fromJSON(input);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    expect(e.message.length, e.message.slice(0, 300)).toBeLessThan(2000);
    expect(e.message.startsWith(`fromJSON: ${e.path ? `${e.path}: ` : ''}`)).toBe(true);
    const keys = pathKeys(e.path);
    expect(keys, `unreadable path ${e.path.slice(0, 200)}`).not.toBeNull();
    expect(
      inDocument(seen, keys as Key[]),
      `path ${e.path.slice(0, 200)} not in the document`,
    ).toBe(true);
    return 'refused';
  } finally {
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(prototypeKeys);
  }
  const saved = seen as SavedModel;
  expect(toJSON(model)).toEqual(asStored(saved));
  if (moderate(saved)) {
    const width = inputWidth(saved) ?? 3;
    const x = tensor(
      Array.from({ length: 2 }, (_, i) => Array.from({ length: width }, (_, j) => (i - j) / 4)),
      { dtype: saved.dtype },
    );
    const y = (model as unknown as { forward(x: unknown): { data: ArrayLike<number> } }).forward(x);
    for (const v of Array.from(y.data)) expect(Number.isFinite(v), `output ${v}`).toBe(true);
  }
  return 'loaded';
}

describe('fromJSON, fuzzed (issue 18)', () => {
  it('loads every document toJSON made, unchanged', () => {
    for (const doc of BASES) expect(check(clone(doc), false)).toBe('loaded');
  });

  it(
    'loads a mutated document that is still valid, or refuses it with a ModelFormatError naming where',
    () => {
      const outcomes = { loaded: 0, refused: 0 };
      fc.assert(
        fc.property(
          fc.nat(BASES.length - 1),
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          (b, ms, asText) => {
            let doc: unknown = clone(BASES[b]);
            for (const m of ms) doc = mutate(doc, m);
            outcomes[check(doc, asText)]++;
          },
        ),
        runs,
      );
      // both sides of the property are reached
      expect(outcomes.loaded).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    },
    timeout,
  );

  it(
    'refuses a document cut short, saying the text ends there',
    () => {
      fc.assert(
        fc.property(fc.nat(BASES.length - 1), fc.nat(), (b, cut) => {
          const text = JSON.stringify(BASES[b]);
          const at = cut % text.length; // at least the last '}' is gone
          let error: unknown;
          try {
            fromJSON(text.slice(0, at));
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(ModelFormatError);
          expect((error as ModelFormatError).path).toBe('');
          expect((error as ModelFormatError).message).toContain('is it truncated?');
        }),
        runs,
      );
    },
    timeout,
  );
});
