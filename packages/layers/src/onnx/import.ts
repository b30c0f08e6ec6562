// fromONNX: the MLP-shaped graphs toONNX writes (and the same shapes from other exporters) read
// back as an MLP or a Sequential. Each activation is recognised by lowering every catalog
// activation the way toONNX would and comparing node for node, so what toONNX writes reads back
// exactly, and anything else is an error naming the node.
import type onnxProto from 'onnx-proto';
import { familyCall } from '../define-activation.js';
import { Linear } from '../linear.js';
import { MLP } from '../mlp.js';
import { Sequential } from '../sequential.js';
import { LOWERINGS_BY_NAME, type Lowering } from './activations.js';
import type { FittedScaler, ToONNXOptions } from './export.js';
import { GraphBuilder } from './graph.js';
import { fail, int, nodeLabel, type ReadGraph, readGraph } from './read.js';

type Node = onnxProto.onnx.INodeProto;

/** What `fromONNX` returns: the model, and the options with which `toONNX` writes it again. */
export interface ONNXModel {
  /** An MLP where the graph has its shape (a Linear with bias, at most one activation, repeated); else a Sequential. */
  model: MLP | Sequential;
  /** The opset, input and output names, folded scalers and metadata found in the file. */
  options: ToONNXOptions;
}

/** A Linear's numbers as read: W as [in, out] row-major, and b. */
interface LinearStep {
  kind: 'linear';
  inFeatures: number;
  outFeatures: number;
  weight: number[];
  bias: number[] | null;
}
type Step = LinearStep | { kind: 'activation'; name: string };

/** Where the reading stands: the next node and the value it should consume. */
interface Cursor {
  at: number;
  value: string;
}

const attribute = (node: Node, name: string) => node.attribute?.find((a) => a.name === name);

/** A float attribute's value, or `fallback` when absent. */
const floatAttribute = (node: Node, name: string, fallback: number) =>
  attribute(node, name)?.f ?? fallback;

/** A constant with `size` values read from input `j` of `node`, or undefined. */
function constantInput(r: ReadGraph, node: Node, j: number, size: number) {
  const c = r.constants.get(node.input?.[j] ?? '');
  return c && c.values.length === size ? c : undefined;
}

// A value no catalog activation uses as a fixed constant (and exact in float32): where it shows up
// in a family's lowering is where the family's parameter goes.
const PROBE = 0.8125;

/** The shortest decimal that rounds to this float32: α = 0.2 is stored as 0.20000000298…, read as 0.2. */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

/**
 * Whether the nodes at `at` are exactly what `lower` writes for value `x`; with `strict` false,
 * scalar constants and float attributes may differ and are returned as (written, found) pairs.
 */
function matchLowering(
  r: ReadGraph,
  { at, value: x }: Cursor,
  lower: Lowering,
  params: number[],
  strict: boolean,
): { end: Cursor; pairs: [number, number][] } | undefined {
  const g = new GraphBuilder(r.dtype);
  const result = lower(g, 'x', params, r.opset);
  const names = new Map([['x', x]]);
  const pairs: [number, number][] = [];
  const same = (want: number, got: number) => {
    pairs.push([want, got]);
    return !strict || Object.is(want, got);
  };
  for (const [k, want] of g.nodes.entries()) {
    const got = r.nodes[at + k];
    const inputs = want.input ?? [];
    if (got?.opType !== want.opType || got.input?.length !== inputs.length) return undefined;
    for (const [j, w] of inputs.entries()) {
      const written = g.constants.get(w);
      const found = constantInput(r, got, j, 1);
      if (
        written
          ? !found || !same(written[0] as number, found.values[0] as number)
          : names.get(w) !== got.input[j]
      ) {
        return undefined;
      }
    }
    const wanted = want.attribute ?? [];
    if ((got.attribute?.length ?? 0) !== wanted.length) return undefined;
    for (const a of wanted) {
      const b = attribute(got, a.name ?? '');
      if (!b || b.type !== a.type) return undefined;
      if (
        a.f != null
          ? !same(Math.fround(a.f), Math.fround(b.f ?? Number.NaN))
          : a.i != null
            ? int(a.i) !== int(b.i)
            : String(a.s) !== String(b.s)
      ) {
        return undefined;
      }
    }
    names.set(want.output?.[0] ?? '', got.output?.[0] ?? '');
  }
  return { end: { at: at + g.nodes.length, value: names.get(result) ?? '' }, pairs };
}

/** The catalog activation whose lowering matches the most nodes at the cursor (at least one). */
function matchActivation(r: ReadGraph, cursor: Cursor): { name: string; end: Cursor } | undefined {
  let best: { name: string; end: Cursor } | undefined;
  for (const { name, lower, family } of LOWERINGS_BY_NAME) {
    let params: number[] = [];
    if (family) {
      const probe = matchLowering(r, cursor, lower, [PROBE], false);
      const slot = probe?.pairs.find(([want]) => Math.abs(want) === PROBE);
      if (!slot) continue;
      const param = slot[0] > 0 ? slot[1] : -slot[1];
      params = [r.dtype === 'float32' ? shortestFloat32(param) : param];
    }
    const match = matchLowering(r, cursor, lower, params, true);
    if (match && match.end.at > cursor.at && match.end.at > (best?.end.at ?? 0)) {
      best = { name: family ? familyCall(name, params) : name, end: match.end };
    }
  }
  return best;
}

/** A Gemm (W as [in, out] or, with transB, [out, in]), or a MatMul with or without an Add of b. */
function matchLinear(
  r: ReadGraph,
  { at, value }: Cursor,
  width: number,
): { step: LinearStep; end: Cursor } | undefined {
  const node = r.nodes[at];
  if (!node || (node.opType !== 'Gemm' && node.opType !== 'MatMul') || node.input?.[0] !== value) {
    return undefined;
  }
  const label = nodeLabel(r, at);
  const w = r.constants.get(node.input[1] ?? '');
  if (w?.dims.length !== 2) {
    return fail(`${label}: its weight '${node.input[1]}' must be a constant 2-D tensor`);
  }
  const transposed = node.opType === 'Gemm' && int(attribute(node, 'transB')?.i) === 1;
  const [rows, cols] = w.dims as [number, number];
  const [inFeatures, outFeatures] = transposed ? [cols, rows] : [rows, cols];
  if (inFeatures !== width) {
    fail(`${label} takes ${inFeatures} features but the value before it has ${width}`);
  }
  const weight = transposed
    ? Array.from(
        { length: rows * cols },
        (_, k) => w.values[(k % rows) * cols + Math.floor(k / rows)] as number,
      )
    : w.values;
  let bias: number[] | null = null;
  let end: Cursor = { at: at + 1, value: node.output?.[0] ?? '' };
  if (node.opType === 'Gemm') {
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    const transA = int(attribute(node, 'transA')?.i);
    if (alpha !== 1 || beta !== 1 || transA !== 0) {
      fail(
        `${label} has alpha = ${alpha}, beta = ${beta}, transA = ${transA}; a Linear is a Gemm with alpha = beta = 1 and transA = 0`,
      );
    }
    if (node.input[2]) {
      bias = constantInput(r, node, 2, outFeatures)?.values ?? null;
      if (!bias)
        fail(`${label}: its bias '${node.input[2]}' must be a constant of ${outFeatures} values`);
    }
  } else {
    const add = r.nodes[at + 1];
    const j = add?.input?.indexOf(end.value) ?? -1;
    if (add?.opType === 'Add' && j >= 0) {
      bias = constantInput(r, add, 1 - j, outFeatures)?.values ?? null;
      if (bias) end = { at: at + 2, value: add.output?.[0] ?? '' };
    }
  }
  return { step: { kind: 'linear', inFeatures, outFeatures, weight, bias }, end };
}

/** Two nodes `first`(value, c) then `second`(·, c′) with constants of `width` values: a folded scaler. */
function matchScaler(
  r: ReadGraph,
  { at, value }: Cursor,
  [first, second]: [string, string],
  width: number,
): { scaler: FittedScaler; end: Cursor } | undefined {
  const [a, b] = [r.nodes[at], r.nodes[at + 1]];
  if (a?.opType !== first || b?.opType !== second) return undefined;
  if (a.input?.[0] !== value || b.input?.[0] !== a.output?.[0]) return undefined;
  const [ca, cb] = [constantInput(r, a, 1, width), constantInput(r, b, 1, width)];
  if (!ca || !cb) return undefined;
  const end = { at: at + 2, value: b.output?.[0] ?? '' };
  // Sub then Div is (x − mean) / scale; Mul then Add is y · scale + mean
  return first === 'Sub'
    ? { scaler: { mean: ca.values, scale: cb.values }, end }
    : { scaler: { mean: cb.values, scale: ca.values }, end };
}

/** Whether the graph ends at the cursor: its output is the value, or one Identity of it. */
function endsAt(r: ReadGraph, { at, value }: Cursor): boolean {
  if (at === r.nodes.length) return value === r.output;
  const last = r.nodes[at];
  return (
    at === r.nodes.length - 1 &&
    last?.opType === 'Identity' &&
    last.input?.[0] === value &&
    last.output?.[0] === r.output
  );
}

/** The steps as an MLP when they have its shape (each Linear with bias, then at most one activation). */
function assemble(steps: Step[], dtype: 'float32' | 'float64'): MLP | Sequential {
  const linears = steps.filter((s): s is LinearStep => s.kind === 'linear');
  const after = (i: number) => steps[i + 1]?.kind === 'activation';
  const mlpShaped =
    steps[0]?.kind === 'linear' &&
    linears.every((s) => s.bias !== null) &&
    steps.every((s, i) => s.kind === 'linear' || steps[i - 1]?.kind === 'linear');
  if (mlpShaped) {
    const activations = steps.flatMap((s, i) =>
      s.kind === 'linear' ? [after(i) ? (steps[i + 1] as { name: string }).name : 'identity'] : [],
    );
    const mlp = new MLP({
      inputs: linears[0]?.inFeatures ?? 0,
      hidden: linears.slice(0, -1).map((s) => s.outFeatures),
      outputs: linears.at(-1)?.outFeatures ?? 0,
      activation: activations.slice(0, -1),
      outputActivation: activations.at(-1),
      dtype,
    });
    for (const [j, layer] of mlp.layers.entries()) fill(layer, linears[j] as LinearStep);
    return mlp;
  }
  return new Sequential(
    ...steps.map((s) => {
      if (s.kind === 'activation') return s.name;
      const layer = new Linear(s.inFeatures, s.outFeatures, {
        bias: s.bias !== null,
        init: 'zeros',
        dtype,
      });
      fill(layer, s);
      return layer;
    }),
  );
}

function fill(layer: Linear, step: LinearStep): void {
  layer.weight.data.set(step.weight);
  if (step.bias) layer.bias?.data.set(step.bias);
}

/**
 * Reads an ONNX model (its bytes) back as a network: the graphs `toONNX` writes, and graphs of the
 * same shape from other exporters: Gemm (with or without transB), or MatMul with or without an
 * Add of the bias, each followed by any catalog activation as toONNX writes it (ONNX's own op, or
 * its composition); a folded input scaler at the start and target scaler at the end. The weights
 * are copied bit for bit, so `toONNX(model, options)` writes the same graph again. A node it does
 * not understand is an error naming it.
 * @example
 * const net = new MLP({ inputs: 2, hidden: [3], activation: 'relu', seed: 0 });
 * const { model } = fromONNX(toONNX(net));
 * console.log(model.describe()); // → MLP(2 → 3 relu → 1 identity)
 * console.log(model.forward([[0.5, -1]]).item() === net.forward([[0.5, -1]]).item()); // → true
 */
export function fromONNX(bytes: Uint8Array): ONNXModel {
  const r = readGraph(bytes);
  const options: ToONNXOptions = { opset: r.opset, inputName: r.input, outputName: r.output };
  let cursor: Cursor = { at: 0, value: r.input };
  let width = r.inFeatures;
  const scaler = matchScaler(r, cursor, ['Sub', 'Div'], width);
  if (scaler) {
    options.scaler = scaler.scaler;
    cursor = scaler.end;
  }
  const steps: Step[] = [];
  while (!endsAt(r, cursor)) {
    const linear = matchLinear(r, cursor, width);
    if (linear) {
      steps.push(linear.step);
      width = linear.step.outFeatures;
      cursor = linear.end;
      continue;
    }
    const target = matchScaler(r, cursor, ['Mul', 'Add'], width);
    if (target && endsAt(r, target.end) && steps.length > 0) {
      options.targetScaler = target.scaler;
      cursor = target.end;
      continue;
    }
    const activation = matchActivation(r, cursor);
    if (activation) {
      steps.push({ kind: 'activation', name: activation.name });
      cursor = activation.end;
      continue;
    }
    const node = r.nodes[cursor.at];
    fail(
      node
        ? `cannot read ${nodeLabel(r, cursor.at)}: expected, on the value '${cursor.value}', a Gemm (or MatMul and Add), a catalog activation as toONNX writes it, or the end of the graph`
        : `the graph's output '${r.output}' is not the value its last node computes ('${cursor.value}')`,
    );
  }
  if (!steps.some((s) => s.kind === 'linear'))
    fail('the graph has no Gemm or MatMul: no layer to read');
  const metadata = r.model.metadataProps ?? [];
  if (metadata.length > 0) {
    options.metadata = Object.fromEntries(metadata.map((p) => [p.key ?? '', p.value ?? '']));
  }
  return { model: assemble(steps, r.dtype), options };
}
