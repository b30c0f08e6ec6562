// `backprop export`, the real binary: what it writes reads back as the trained network with its
// scalers folded in, what it prints says how to call it, and bad input changes nothing on disk.
// (That ONNX Runtime computes `predict`'s numbers from the file is checked in onnx-test/.)
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromONNX } from '@backprop/layers/onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import { data, runner } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-export-'));
});
const { run, json } = runner(() => dir);

describe('backprop export model.json --onnx model.onnx', () => {
  it('regression: raw features in, the target in its units out, columns in the metadata', async () => {
    await json(
      'train',
      data('diabetes'),
      '--target',
      'progression',
      '--hidden',
      '4',
      '--epochs',
      '3',
      '--out',
      'd.json',
    );
    const r = await run('export', 'd.json', '--onnx', 'd.onnx');
    expect(r.exitCode).toBe(0);
    const bytes = new Uint8Array(await readFile(join(dir, 'd.onnx')));
    expect(r.stdout.split('\n')).toEqual([
      `wrote d.onnx: ${bytes.length} bytes, ONNX opset 17, MLP(10 → 4 sigmoid → 1 identity)`,
      "input 'features': [batch, 10], the raw values of age, sex, bmi, bp, s1_tc, s2_ldl, s3_hdl, s4_tch, s5_ltg, s6_glu in this order",
      "output 'prediction': [batch, 1], progression in its own units",
      "the column and class names are in the model's metadata (metadata_props: task, target, features)",
    ]);
    const { model, options } = fromONNX(bytes);
    const saved = JSON.parse(await readFile(join(dir, 'd.json'), 'utf8'));
    expect(Object.keys(saved.network.parameters)).toHaveLength(4);
    expect(model.toJSON().parameters).toEqual(saved.network.parameters); // every weight, bit for bit
    expect(saved.scalers.x.mean).toHaveLength(10);
    expect(options.scaler?.mean).toEqual(saved.scalers.x.mean);
    expect(saved.scalers.y.scale).toHaveLength(1);
    expect(options.targetScaler?.scale).toEqual(saved.scalers.y.scale);
    expect(options).toMatchObject({ opset: 17, inputName: 'features', outputName: 'prediction' });
    expect(JSON.parse(options.metadata?.features ?? '')).toEqual(saved.featureNames);
    expect(options.metadata).toMatchObject({ task: 'regression', target: 'progression' });
  });

  it('classification: a softmax appended, so the output is each class’s probability', async () => {
    await json('train', data('iris'), '--target', 'species', '--epochs', '3', '--out', 'i.json');
    const r = await json('export', 'i.json', '--onnx', 'i.onnx', '--opset', '18');
    expect(r).toMatchObject({
      command: 'export',
      onnx: 'i.onnx',
      opset: 18,
      network: 'Sequential(MLP(4 → 8 sigmoid → 3 identity) → softmax)',
      input: { name: 'features', shape: ['batch', 4] },
      output: {
        name: 'probabilities',
        shape: ['batch', 3],
        columns: ['setosa', 'versicolor', 'virginica'],
      },
    });
    const { model, options } = fromONNX(new Uint8Array(await readFile(join(dir, 'i.onnx'))));
    expect(model.describe()).toBe('MLP(4 → 8 sigmoid → 3 softmax)');
    expect(options.targetScaler).toBeUndefined();
    expect(JSON.parse(options.metadata?.classes ?? '')).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
  });

  it('bad input: a message, exit code 1, and no file written or changed', async () => {
    await writeFile(join(dir, 'kept.onnx'), 'the old file');
    await writeFile(join(dir, 'bad.json'), '{"format": "something else"}');
    const before = (await readdir(dir)).sort();
    const cases: [string[], string][] = [
      [
        ['export', 'bad.json', '--onnx', 'kept.onnx'],
        "backprop: bad.json: not a model file of backprop's command line",
      ],
      [
        ['export', 'missing.json', '--onnx', 'kept.onnx'],
        'backprop: cannot read missing.json: no such file',
      ],
      [
        ['export', 'bad.json', '--onnx', 'kept.onnx', '--opset', '12'],
        "error: option '--opset <n>' argument '12' is invalid. expected a whole number from 13 to 21",
      ],
      [['export', 'bad.json'], "error: required option '--onnx <model.onnx>' not specified"],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await readFile(join(dir, 'kept.onnx'), 'utf8')).toBe('the old file');
    expect((await readdir(dir)).sort()).toEqual(before);
  });
});
