// `backprop predict model.json new.csv`: the model's predictions for each row, in the target's
// units (regression) or as class names with each class's probability (classification).
import { readForModel } from './data.js';
import { checkWritable, readModelFile, writeAtomically } from './model-file.js';
import { predictRows } from './network.js';

export interface PredictResult {
  rows: number;
  target: string;
  /** Regression: numbers; classification: class names. */
  predictions: (number | string)[];
  /** Classification: per row, each class's probability, keyed by class name. */
  probabilities: Record<string, number>[] | null;
  csv: string;
}

export async function predict(modelPath: string, dataPath: string): Promise<PredictResult> {
  const loaded = await readModelFile(modelPath);
  const { file } = loaded;
  const { x, rows } = await readForModel(dataPath, file, false);
  const p = predictRows(loaded, file.task, x);
  const classes = file.classes;
  const predictions = classes ? p.values.map((c) => classes[c] as string) : p.values;
  const probabilities =
    classes && p.probabilities
      ? p.probabilities.map((row) =>
          Object.fromEntries(classes.map((c, j) => [c, row[j] as number])),
        )
      : null;
  const header = [file.targetName, ...(classes ?? []).map((c) => `probability_${c}`)];
  const lines = predictions.map((value, i) =>
    [value, ...(p.probabilities ? (p.probabilities[i] as number[]) : [])].map(csvField).join(','),
  );
  const csv = `${[header.map(csvField).join(','), ...lines].join('\n')}\n`;
  return { rows, target: file.targetName, predictions, probabilities, csv };
}

export { checkWritable };

export async function writePredictions(out: string, csv: string): Promise<void> {
  await writeAtomically(out, csv);
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: number | string): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
