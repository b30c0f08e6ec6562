// toONNX: a Linear, Sequential or MLP as the bytes of an ONNX ModelProto (Gemm per layer, the
// activations as in activations.ts), for ONNX Runtime and every other ONNX reader.
import { checkOptions, DTypeError, echoValue, ValueError } from '@backprop/core';
import onnxProto from 'onnx-proto';
import type { Activation } from '../define-activation.js';
import { Linear } from '../linear.js';
import { MLP } from '../mlp.js';
import { Module } from '../module.js';
import { RBF } from '../rbf.js';
import { Sequential } from '../sequential.js';
import { LAYERS_VERSION } from '../version.js';
import { lowerActivation, lowerRbf } from './activations.js';
import { GraphBuilder, ONNX_ELEM_TYPE, type OnnxDType } from './graph.js';

/** Options of `toONNX`. */
export interface ToONNXOptions {
  /**
   * The ONNX opset (default 17, the newest that older checkers such as onnx 1.12 know). 18 writes
   * Mish as ONNX's Mish op, 20 the tanh GELU as Gelu; below, both are compositions. 13 to 21.
   */
  opset?: number;
  /** The graph input's name (default 'input'), shape [batch, inFeatures]. */
  inputName?: string;
  /** The graph output's name (default 'output'), shape [batch, outFeatures]. */
  outputName?: string;
  /**
   * A fitted input scaler (e.g. @backprop/optim's `StandardScaler`) to fold in: the graph starts
   * with (x − mean) / scale, so the exported model takes raw features, as `transform` computes them.
   */
  scaler?: FittedScaler;
  /**
   * A fitted target scaler to fold in at the end: the graph ends with y · scale + mean (its
   * `inverseTransform`), so a regression model trained on standardised targets outputs them in
   * their own units.
   */
  targetScaler?: FittedScaler;
  /** Key–value pairs stored in the model's `metadata_props` (the feature columns' order, say). */
  metadata?: Readonly<Record<string, string>>;
}

/** A fitted standardisation, as @backprop/optim's `StandardScaler` holds it. */
export interface FittedScaler {
  /** Each column's mean over the training rows. */
  readonly mean: readonly number[];
  /** Each column's scale (standard deviation), all > 0. */
  readonly scale: readonly number[];
}

const OPTIONS = Object.keys({
  opset: true,
  inputName: true,
  outputName: true,
  scaler: true,
  targetScaler: true,
  metadata: true,
} satisfies {
  [K in keyof ToONNXOptions]-?: true;
});

/** The ONNX IR version each opset needs (ONNX's versioning table). */
const irVersionFor = (opset: number) => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/** One step of the exported computation, with where it sits in the model (for errors). */
type Step =
  | { kind: 'linear'; layer: Linear; path: string }
  | { kind: 'activation'; fn: Activation; path: string }
  | { kind: 'rbf'; module: RBF; path: string };

/** The model as a flat list of steps: MLPs and Sequentials (nested too) unrolled. */
function flatten(model: Module, path: string): Step[] {
  if (model instanceof Linear) return [{ kind: 'linear', layer: model, path }];
  if (model instanceof RBF) return [{ kind: 'rbf', module: model, path }];
  const at = (p: string) => (path ? `${path}.${p}` : p);
  if (model instanceof MLP) {
    const steps: Step[] = [];
    model.layers.forEach((layer, j) => {
      steps.push({ kind: 'linear', layer, path: at(`layers.${j}`) });
      const f = j < model.activations.length ? model.activations[j] : model.outputActivation;
      const where = j < model.activations.length ? `hidden layer ${j + 1}` : 'the output layer';
      steps.push({ kind: 'activation', fn: f as Activation, path: at(where) });
    });
    return steps;
  }
  if (model instanceof Sequential) {
    return model.layers.flatMap((item, i) =>
      item instanceof Module
        ? flatten(item, at(`layers.${i}`))
        : [{ kind: 'activation' as const, fn: item, path: at(`layers.${i}`) }],
    );
  }
  throw new ValueError(
    `toONNX: ${path || 'the model'} is a ${model.describe()}, which has no ONNX form; expected Linear, Sequential, MLP or RBF`,
  );
}

/**
 * A scaler's mean and scale, checked against the number of columns it applies to. Its fitted
 * statistics are read through getters that throw while unfitted: that error is clearer.
 */
function checkScaler(
  option: 'scaler' | 'targetScaler',
  scaler: FittedScaler,
  width: number,
): { mean: number[]; scale: number[] } {
  const { mean, scale } = { mean: scaler?.mean as unknown, scale: scaler?.scale as unknown };
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length === width && v.every(Number.isFinite);
  if (!numbers(mean) || !numbers(scale) || !scale.every((s) => s > 0)) {
    const what = option === 'scaler' ? 'input feature' : 'output';
    throw new ValueError(
      `toONNX: ${option} must be fitted, with ${width} finite means and ${width} scales > 0 (one per ${what}), got mean ${Array.isArray(mean) ? `of length ${mean.length}` : String(mean)} and scale ${Array.isArray(scale) ? `of length ${scale.length}` : String(scale)}`,
    );
  }
  return { mean, scale };
}

function checkMetadata(metadata: unknown): [string, string][] {
  if (metadata === undefined) return [];
  const strings =
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    Object.values(metadata).every((v) => typeof v === 'string');
  if (!strings) {
    throw new ValueError(
      `toONNX: metadata must be an object of strings, such as { features: 'age,bmi' }, got ${echoValue(metadata)}`,
    );
  }
  return Object.entries(metadata as Record<string, string>);
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new ValueError(`toONNX: ${what} must be a non-empty string, got ${String(name)}`);
  }
  return name;
}

/**
 * The model as the bytes of an ONNX `ModelProto` (save them as a `.onnx` file), for ONNX Runtime
 * on servers, phones and browsers, or Python. Each Linear becomes a Gemm (W as stored, [in, out],
 * so transB = 0) with its weights as initialisers named like its parameters; each activation its
 * native ONNX op or a composition of primitive ops. The input and output are named, with a
 * symbolic batch dimension `batch`; float32 and float64 models keep their dtype and every bit of
 * their weights. An activation made with `defineActivation` has no ONNX form: an error names it.
 * @example
 * const net = new MLP({ inputs: 2, hidden: [3], activation: 'tanh', seed: 0 });
 * const bytes = toONNX(net);
 * console.log(bytes instanceof Uint8Array && bytes.length > 100); // → true
 */
export function toONNX(model: Linear | Sequential | MLP, options: ToONNXOptions = {}): Uint8Array {
  if (!(model instanceof Module)) {
    throw new ValueError(
      `toONNX: expected a Linear, Sequential or MLP, got ${model === null ? 'null' : typeof model}`,
    );
  }
  checkOptions('toONNX', options, OPTIONS);
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) {
    throw new ValueError(`toONNX: opset must be an integer from 13 to 21, got ${String(opset)}`);
  }
  const inputName = checkName('inputName', options.inputName ?? 'input');
  const outputName = checkName('outputName', options.outputName ?? 'output');
  if (inputName === outputName) {
    throw new ValueError(`toONNX: inputName and outputName are both '${inputName}'`);
  }

  const steps = flatten(model, '');
  const linears = steps.filter((s) => s.kind === 'linear');
  const first = linears[0];
  if (!first) {
    throw new ValueError(
      `toONNX: ${model.describe()} has no Linear layer, so its input size is unknown`,
    );
  }
  const dtype = first.layer.dtype as OnnxDType;
  for (const s of linears) {
    if (s.layer.dtype !== dtype) {
      throw new DTypeError(
        `toONNX: ${s.path} is ${s.layer.dtype} but ${first.path} is ${dtype}; an ONNX graph has one dtype`,
      );
    }
  }

  const g = new GraphBuilder(dtype);
  let value = inputName;
  let width = first.layer.inFeatures;
  const metadata = checkMetadata(options.metadata);
  if (options.scaler !== undefined) {
    const { mean, scale } = checkScaler('scaler', options.scaler, width);
    value = g.op('Sub', [value, g.tensor('scaler.mean', mean, [width], true)]);
    value = g.op('Div', [value, g.tensor('scaler.scale', scale, [width], true)]);
  }
  for (const step of steps) {
    if (step.kind === 'linear') {
      const { layer, path } = step;
      if (layer.inFeatures !== width) {
        throw new ValueError(
          `toONNX: ${path} (${layer.describe()}) takes ${layer.inFeatures} features but gets ${width}`,
        );
      }
      const w = g.tensor(
        `${path}.weight`,
        layer.weight.data,
        [layer.inFeatures, layer.outFeatures],
        true,
      );
      const inputs = [value, w];
      if (layer.bias)
        inputs.push(g.tensor(`${path}.bias`, layer.bias.data, [layer.outFeatures], true));
      value = g.op('Gemm', inputs, { transB: { i: 0 } }); // y = x·W + b, W stored [in, out]
      width = layer.outFeatures;
    } else if (step.kind === 'rbf') {
      const gamma = step.module.gamma;
      value = lowerRbf(g, value, typeof gamma === 'number' ? gamma : gamma.item(), opset);
    } else {
      value = lowerActivation(g, step.fn, value, opset, step.path);
    }
  }
  if (options.targetScaler !== undefined) {
    const { mean, scale } = checkScaler('targetScaler', options.targetScaler, width);
    value = g.op('Mul', [value, g.tensor('targetScaler.scale', scale, [width], true)]);
    value = g.op('Add', [value, g.tensor('targetScaler.mean', mean, [width], true)]);
  }
  g.op('Identity', [value], {}, outputName);

  const valueInfo = (name: string, features: number) =>
    onnxProto.onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: ONNX_ELEM_TYPE[dtype],
          shape: { dim: [{ dimParam: 'batch' }, { dimValue: features }] },
        },
      },
    });
  const folded = [
    options.scaler && 'the input scaler',
    options.targetScaler && "the target scaler's inverse",
  ].filter(Boolean);
  const scaled = folded.length ? ` with ${folded.join(' and ')} folded in` : '';
  const description = `${model.describe()}${scaled}, exported by @backprop/layers ${LAYERS_VERSION} (toONNX)`;
  const message = onnxProto.onnx.ModelProto.create({
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'backprop',
    producerVersion: LAYERS_VERSION,
    docString: description,
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
    graph: {
      name: 'backprop',
      docString: description,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, first.layer.inFeatures)],
      output: [valueInfo(outputName, width)],
    },
  });
  // a copy: under Node protobufjs returns a view into a shared 8 KiB pool, whose .buffer holds more
  return new Uint8Array(onnxProto.onnx.ModelProto.encode(message).finish());
}
