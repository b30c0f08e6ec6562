// Runs every model toONNX writes in the real ONNX Runtime (onnxruntime-node, CPU) and holds its
// outputs to backprop's forward pass: the runtime is the independent oracle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, rand, type Tensor } from '@backprop/core';
import { activationEntries, Linear, MLP, Sequential } from '@backprop/layers';
import { toONNX } from '@backprop/layers/onnx';
import { StandardScaler } from '@backprop/optim';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

type Dtype = 'float32' | 'float64';
const TOLERANCE: Record<Dtype, number> = { float32: 1e-6, float64: 1e-12 };
const inputs = new Generator(2026); // the test's inputs, the same on every run
const written = mkdtempSync(join(tmpdir(), 'backprop-onnx-')); // the opset-17 models, for the checker
let modelCount = 0;
const worst: Record<Dtype, { diff: number; where: string }> = {
  float32: { diff: 0, where: '' },
  float64: { diff: 0, where: '' },
};

/** Runs the ONNX bytes on x in ONNX Runtime; returns its output as plain numbers. */
async function runOnnx(bytes: Uint8Array, x: Tensor, dtype: Dtype): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(bytes);
  const data = dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data);
  const result = await session.run({ input: new ort.Tensor(dtype, data, [...x.shape]) });
  const out = result.output;
  if (!out) throw new Error('the ONNX model has no output named "output"');
  return Float64Array.from(out.data as Float32Array | Float64Array);
}

/** The largest |onnx − backprop| / max(1, |backprop|), recorded per dtype; fails above the tolerance. */
async function compare(
  model: MLP | Sequential | Linear,
  dtype: Dtype,
  label: string,
  {
    opset = 17,
    batch = 7,
    scaler,
    targetScaler,
  }: {
    opset?: number;
    batch?: number;
    scaler?: StandardScaler;
    targetScaler?: StandardScaler;
  } = {},
) {
  const x = rand([batch, 3], { dtype, generator: inputs }).mul(6).sub(3); // in (−3, 3)
  const y = model.forward(scaler ? scaler.transform(x) : x) as Tensor;
  const expected = targetScaler ? targetScaler.inverseTransform(y) : y;
  const bytes = toONNX(model, { opset, scaler, targetScaler });
  if (opset === 17) writeFileSync(join(written, `${modelCount++}.onnx`), bytes);
  const got = await runOnnx(bytes, x, dtype);
  expect(got.length).toBe(expected.size);
  let diff = 0;
  for (let i = 0; i < got.length; i++) {
    const want = expected.data[i] as number;
    diff = Math.max(diff, Math.abs((got[i] as number) - want) / Math.max(1, Math.abs(want)));
  }
  if (diff > worst[dtype].diff) worst[dtype] = { diff, where: label };
  expect(diff, label).toBeLessThanOrEqual(TOLERANCE[dtype]);
}

// Every catalog entry (aliases too) plus family members with other parameters.
const ACTIVATIONS = [
  ...activationEntries()
    .filter((e) => e.name !== 'softmax')
    .map((e) => e.name),
  'rbf(0.5)',
  'leakyRelu(0.2)',
  'elu(0.5)',
];

describe.each(['float32', 'float64'] as const)('toONNX in ONNX Runtime, %s', (dtype) => {
  for (const activation of ACTIVATIONS) {
    it(`matches backprop for ${activation} with k = 0…3 hidden layers`, async () => {
      for (let k = 0; k <= 3; k++) {
        const hidden = [5, 4, 6].slice(0, k);
        const net = new MLP({ inputs: 3, hidden, outputs: 2, activation, dtype, seed: k });
        await compare(net, dtype, `${activation}, k = ${k}`);
      }
    });
  }

  it('matches backprop for softmax outputs, k = 0…3', async () => {
    for (let k = 0; k <= 3; k++) {
      const hidden = [5, 4, 6].slice(0, k);
      const net = new MLP({
        inputs: 3,
        hidden,
        outputs: 4,
        activation: 'tanh',
        outputActivation: 'softmax',
        dtype,
        seed: 10 + k,
      });
      await compare(net, dtype, `softmax output, k = ${k}`);
    }
  });

  it('matches backprop with the native Mish (opset 18) and Gelu (opset 20)', async () => {
    for (const [activation, opset] of [
      ['mish', 18],
      ['geluTanh', 20],
    ] as const) {
      const net = new MLP({ inputs: 3, hidden: [5, 4], outputs: 2, activation, dtype, seed: 3 });
      await compare(net, dtype, `${activation}, opset ${opset}`, { opset });
    }
  });

  it('matches backprop for a Sequential, a bare Linear and a Linear without bias', async () => {
    const seq = new Sequential(
      new Linear(3, 4, { dtype, seed: 1 }),
      'relu',
      new Linear(4, 4, { dtype, seed: 2, bias: false }),
      'sigmoid',
      new Linear(4, 2, { dtype, seed: 3 }),
    );
    await compare(seq, dtype, 'Sequential');
    await compare(seq, dtype, 'Sequential, batch of 1', { batch: 1 }); // the batch axis is symbolic
    await compare(new Linear(3, 2, { dtype, seed: 4 }), dtype, 'Linear');
  });

  it("takes raw features with a scaler folded in, as backprop on the scaler's transform", async () => {
    const raw = rand([50, 3], { dtype, generator: inputs }).mul(40).add(100); // far from standard
    const scaler = new StandardScaler().fit(raw);
    const net = new MLP({ inputs: 3, hidden: [5], outputs: 2, activation: 'tanh', dtype, seed: 5 });
    await compare(net, dtype, 'scaler folded in', { scaler });
  });

  it('gives targets in their units with a target scaler folded in, as its inverseTransform', async () => {
    const targets = rand([50, 2], { dtype, generator: inputs }).mul(200).add(25);
    const targetScaler = new StandardScaler().fit(targets);
    const net = new MLP({ inputs: 3, hidden: [4], outputs: 2, activation: 'relu', dtype, seed: 6 });
    await compare(net, dtype, 'target scaler folded in', { targetScaler });
  });
});

// Debian's python3-onnx 1.12 (for /usr/bin/python3) knows opsets up to 17: the models above at 17.
const PYTHON = '/usr/bin/python3';
const CHECK = `import onnx, sys
for path in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(path), full_check=True)
print(len(sys.argv) - 1)`;
const probe = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
const noChecker = probe.error
  ? `${PYTHON} not found`
  : probe.status !== 0
    ? `${PYTHON} has no onnx module (apt-get install python3-onnx)`
    : '';
if (noChecker) console.warn(`[onnx] skipping the ONNX checker test: ${noChecker}`);

describe('the ONNX checker (python3-onnx)', () => {
  it.skipIf(noChecker !== '')('accepts every opset-17 model written above', () => {
    const files = Array.from({ length: modelCount }, (_, i) => join(written, `${i}.onnx`));
    expect(files.length).toBeGreaterThan(100);
    const r = spawnSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(String(files.length));
  });
});

afterAll(() => {
  rmSync(written, { recursive: true, force: true });
  // The largest differences, for the notes (docs/ and the issue).
  for (const [dtype, { diff, where }] of Object.entries(worst)) {
    console.log(
      `[onnx] largest relative difference, ${dtype}: ${diff.toExponential(2)} (${where})`,
    );
  }
});
