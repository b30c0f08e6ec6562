// `backprop export model.json --onnx model.onnx`: the model file as an ONNX model for ONNX Runtime
// in any language. It takes the raw feature columns (the input scaler is folded in) and gives the
// prediction in the target's units (regression) or each class's probability (classification), so
// a server needs nothing of backprop's but the file. The columns and classes are in its metadata.
import { Sequential } from '@backprop/layers';
import { toONNX } from '@backprop/layers/onnx';
import { readModelFile, writeAtomically } from './model-file.js';

export interface ExportResult {
  onnx: string;
  bytes: number;
  opset: number;
  network: string;
  input: Port;
  output: Port;
  metadata: Record<string, string>;
}

/** The graph's input or output: its name, shape and what each column is. */
interface Port {
  name: string;
  shape: ['batch', number];
  columns: string[];
}

const port = (name: string, columns: string[]): Port => ({
  name,
  shape: ['batch', columns.length],
  columns,
});

/** Writes the model file `modelPath` as ONNX to `onnxPath` (atomically). */
export async function exportOnnx(
  modelPath: string,
  onnxPath: string,
  opset: number,
): Promise<ExportResult> {
  const { file, model, xScaler, yScaler } = await readModelFile(modelPath);
  const classes = file.classes;
  // the network gives logits for classification (the loss applies the softmax): append it
  const network = classes ? new Sequential(model, 'softmax') : model;
  const input = port('features', file.featureNames);
  const output = classes ? port('probabilities', classes) : port('prediction', [file.targetName]);
  // JSON arrays, so that a column name with a comma stays one name
  const metadata: Record<string, string> = {
    task: file.task,
    target: file.targetName,
    features: JSON.stringify(file.featureNames),
    ...(classes ? { classes: JSON.stringify(classes) } : {}),
  };
  const bytes = toONNX(network, {
    opset,
    inputName: input.name,
    outputName: output.name,
    scaler: xScaler,
    targetScaler: yScaler ?? undefined,
    metadata,
  });
  await writeAtomically(onnxPath, bytes);
  return {
    onnx: onnxPath,
    bytes: bytes.length,
    opset,
    network: network.describe(),
    input,
    output,
    metadata,
  };
}

/** What export prints: the file, and how to call it. */
export function exportText(r: ExportResult): string {
  const list = (names: string[]) =>
    names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length})` : names.join(', ');
  return [
    `wrote ${r.onnx}: ${r.bytes} bytes, ONNX opset ${r.opset}, ${r.network}`,
    `input '${r.input.name}': [batch, ${r.input.shape[1]}], the raw values of ${list(r.input.columns)} in this order`,
    r.output.name === 'prediction'
      ? `output 'prediction': [batch, 1], ${r.output.columns[0]} in its own units`
      : `output 'probabilities': [batch, ${r.output.shape[1]}], the probability of each class: ${list(r.output.columns)}`,
    `the column and class names are in the model's metadata (metadata_props: ${Object.keys(r.metadata).join(', ')})`,
  ].join('\n');
}
