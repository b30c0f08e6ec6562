// The file `backprop export` writes, run in ONNX Runtime on the raw CSV rows, gives what
// `backprop predict` prints: the target in its units, or each class's probability.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../packages/cli/bin/backprop.mjs', import.meta.url));
const csv = (name: string) =>
  fileURLToPath(new URL(`../../examples/data/${name}.csv`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'backprop-cli-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backprop = (...args: string[]) =>
  execFileSync('node', [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

/** The feature columns of a shipped CSV (no quoted fields), as ONNX Runtime's float64 input. */
function features(file: string, columns: string[]): ort.Tensor {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = (header as string).split(',');
  const at = columns.map((c) => names.indexOf(c));
  const values = lines.flatMap((line) => {
    const fields = line.split(',');
    return at.map((j) => Number(fields[j]));
  });
  return new ort.Tensor('float64', Float64Array.from(values), [lines.length, columns.length]);
}

async function runExported(onnx: string, x: ort.Tensor, output: string): Promise<number[]> {
  const session = await ort.InferenceSession.create(join(dir, onnx));
  const result = await session.run({ features: x });
  return [...((result[output]?.data ?? []) as Float64Array)];
}

const worstRelative = (got: number[], want: number[]) =>
  Math.max(
    ...got.map(
      (v, i) => Math.abs(v - (want[i] as number)) / Math.max(1, Math.abs(want[i] as number)),
    ),
  );

describe('backprop export, run in ONNX Runtime', () => {
  it('regression (diabetes): the predictions of backprop predict, in the target’s units', async () => {
    backprop(
      'train',
      csv('diabetes'),
      '--target',
      'progression',
      '--epochs',
      '5',
      '--out',
      'd.json',
    );
    const exported = JSON.parse(backprop('export', 'd.json', '--onnx', 'd.onnx', '--json'));
    const predicted = JSON.parse(backprop('predict', 'd.json', csv('diabetes'), '--json'));
    const got = await runExported(
      'd.onnx',
      features(csv('diabetes'), exported.input.columns),
      'prediction',
    );
    expect(got.length).toBe(442);
    expect(worstRelative(got, predicted.predictions)).toBeLessThanOrEqual(1e-12);
  });

  it('classification (wine): each class’s probability as backprop predict gives it', async () => {
    backprop('train', csv('wine'), '--target', 'cultivar', '--epochs', '5', '--out', 'w.json');
    const exported = JSON.parse(backprop('export', 'w.json', '--onnx', 'w.onnx', '--json'));
    const predicted = JSON.parse(backprop('predict', 'w.json', csv('wine'), '--json'));
    const classes: string[] = exported.output.columns;
    const want = (predicted.probabilities as Record<string, number>[]).flatMap((row) =>
      classes.map((c) => row[c] as number),
    );
    const got = await runExported(
      'w.onnx',
      features(csv('wine'), exported.input.columns),
      'probabilities',
    );
    expect(got.length).toBe(178 * 3);
    expect(worstRelative(got, want)).toBeLessThanOrEqual(1e-12);
  });
});
