// The parts of an ONNX ModelProto that fromONNX reads: the opset, the one input and output, the
// nodes in order, and the constants (initialisers and Constant nodes) as exact numbers.
import { ValueError } from '@backprop/core';
import onnxProto from 'onnx-proto';
import { ONNX_ELEM_TYPE, type OnnxDType } from './graph.js';

// decoded messages are class instances: repeated fields are arrays, strings default to ''
type Node = onnxProto.onnx.NodeProto;

/** A constant of the graph: its dims and values (float32 values as read, so exact). */
export interface Constant {
  readonly dims: number[];
  readonly values: number[];
}

/** What fromONNX works from. */
export interface ReadGraph {
  readonly model: onnxProto.onnx.ModelProto;
  readonly opset: number;
  readonly dtype: OnnxDType;
  readonly input: string;
  readonly inFeatures: number;
  readonly output: string;
  /** The computing nodes in the file's order (Constant nodes are among `constants`). */
  readonly nodes: Node[];
  /** Each of `nodes`' position in the file's node list. */
  readonly positions: number[];
  readonly constants: Map<string, Constant>;
}

/** An int64 field: a number, or a Long where protobufjs found long.js. */
export const int = (v: unknown): number =>
  typeof v === 'number' ? v : Number((v as { toString(): string } | null | undefined) ?? 0);

const label = (node: Node, i: number) =>
  `node ${i}${node.name ? ` '${node.name}'` : ''} (${node.opType})`;

/** How the computing node at `at` is named in errors: its position in the file, name and op type. */
export const nodeLabel = (r: ReadGraph, at: number) =>
  label(r.nodes[at] as Node, r.positions[at] as number);

/** Throws fromONNX's error: a ValueError whose message starts with `fromONNX:`. */
export function fail(message: string): never {
  throw new ValueError(`fromONNX: ${message}`);
}

const dtypeOf = (elemType: number | null | undefined): OnnxDType | undefined =>
  elemType === ONNX_ELEM_TYPE.float32
    ? 'float32'
    : elemType === ONNX_ELEM_TYPE.float64
      ? 'float64'
      : undefined;

function constantOf(t: onnxProto.onnx.ITensorProto, dtype: OnnxDType, where: string): Constant {
  const dims = (t.dims ?? []).map(int);
  const size = dims.reduce((a, b) => a * b, 1);
  if (t.dataType !== ONNX_ELEM_TYPE[dtype]) {
    fail(`${where} is of ONNX data type ${t.dataType}, but the model's input is ${dtype}`);
  }
  let values: number[];
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const width = dtype === 'float32' ? 4 : 8;
    if (raw.length !== size * width) {
      fail(`${where} has ${raw.length} bytes of raw data for dims [${dims.join(', ')}]`);
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    values = Array.from({ length: size }, (_, i) =>
      width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true),
    );
  } else {
    values = [...((dtype === 'float32' ? t.floatData : t.doubleData) ?? [])];
    if (values.length !== size) {
      fail(`${where} has ${values.length} values for dims [${dims.join(', ')}]`);
    }
  }
  return { dims, values };
}

/** Decodes `bytes` and checks the graph has the one float input and output fromONNX can read. */
export function readGraph(bytes: Uint8Array): ReadGraph {
  if (!(bytes instanceof Uint8Array)) {
    fail(
      `expected the bytes of an ONNX model (a Uint8Array, e.g. from readFile), got ${bytes === null ? 'null' : typeof bytes}`,
    );
  }
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (e) {
    fail(`these ${bytes.length} bytes are not an ONNX model: ${(e as Error).message}`);
  }
  const graph = model.graph as onnxProto.onnx.GraphProto | null;
  if (!graph || graph.node.length === 0) fail(`these ${bytes.length} bytes hold no ONNX graph`);
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!opset) fail('the model imports no version of the default ONNX opset');
  for (const [i, node] of (graph.node as Node[]).entries()) {
    if (node.domain && node.domain !== 'ai.onnx') {
      fail(`${label(node, i)} is from the domain '${node.domain}', not ONNX's own ops`);
    }
  }

  // older files list initialisers among the inputs as well
  const initialised = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initialised.has(v.name));
  const input = inputs[0];
  if (inputs.length !== 1 || !input) {
    fail(`expected a graph with one input, got ${inputs.length}`);
  }
  if (graph.output.length !== 1)
    fail(`expected a graph with one output, got ${graph.output.length}`);
  const tensorType = input.type?.tensorType;
  const dtype = dtypeOf(tensorType?.elemType);
  if (!dtype) {
    fail(
      `the input '${input.name}' is of ONNX data type ${tensorType?.elemType}; expected float (1) or double (11)`,
    );
  }
  const dims = tensorType?.shape?.dim ?? [];
  const inFeatures = int(dims[1]?.dimValue);
  if (dims.length !== 2 || !(inFeatures > 0)) {
    fail(
      `the input '${input.name}' must have shape [batch, features] with a known number of features`,
    );
  }

  const constants = new Map<string, Constant>();
  for (const t of graph.initializer) {
    constants.set(t.name ?? '', constantOf(t, dtype, `the initialiser '${t.name}'`));
  }
  const nodes: Node[] = [];
  const positions: number[] = [];
  for (const [i, node] of (graph.node as Node[]).entries()) {
    const value = node.attribute.find((a) => a.name === 'value')?.t;
    if (node.opType !== 'Constant') {
      nodes.push(node);
      positions.push(i);
    } else if (value && node.output[0]) {
      constants.set(node.output[0], constantOf(value, dtype, label(node, i)));
    } else fail(`${label(node, i)} holds no tensor 'value'; only tensor constants are read`);
  }
  return {
    model,
    opset: int(opset.version),
    dtype,
    input: input.name ?? '',
    inFeatures,
    output: (graph.output[0] as onnxProto.onnx.IValueInfoProto).name ?? '',
    nodes,
    positions,
    constants,
  };
}
