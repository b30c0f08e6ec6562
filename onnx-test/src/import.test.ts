// fromONNX on graphs written the way other exporters write them (PyTorch's Gemm with transB = 1,
// MatMul then Add with the bias first, a MatMul with no bias): the network it reads must compute
// what ONNX Runtime computes from the same file.
import { Generator, rand } from '@backprop/core';
import { fromONNX } from '@backprop/layers/onnx';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

const { onnx } = onnxProto;
const generator = new Generator(31);
const TOLERANCE = { float32: 1e-6, float64: 1e-12 };

/** Random numbers in (−1, 1). */
const randomValues = (n: number) => [...rand([n], { generator }).mul(2).sub(1).data];

function foreignGraph(dtype: 'float32' | 'float64'): Uint8Array {
  const elemType =
    dtype === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;
  const tensor = (name: string, dims: number[]) => ({
    name,
    dims,
    dataType: elemType,
    [dtype === 'float32' ? 'floatData' : 'doubleData']: randomValues(dims.reduce((a, b) => a * b)),
  });
  const node = (opType: string, input: string[], output: string, attribute = {}) => ({
    opType,
    input,
    output: [output],
    name: output,
    attribute: Object.entries(attribute).map(([name, i]) => ({
      name,
      type: onnx.AttributeProto.AttributeType.INT,
      i,
    })),
  });
  const io = (name: string, features: number) => ({
    name,
    type: {
      tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: features }] } },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'foreign',
      node: [
        node('Gemm', ['x', 'W1', 'b1'], 'h1', { transB: 1 }), // W1 is [out, in], as nn.Linear keeps it
        node('Tanh', ['h1'], 'a1'),
        node('MatMul', ['a1', 'W2'], 'm2'),
        node('Add', ['b2', 'm2'], 'h2'),
        node('Relu', ['h2'], 'a2'),
        node('MatMul', ['a2', 'W3'], 'h3'),
        node('Sigmoid', ['h3'], 'y'),
      ],
      initializer: [
        tensor('W1', [5, 3]),
        tensor('b1', [5]),
        tensor('W2', [5, 4]),
        tensor('b2', [4]),
        tensor('W3', [4, 2]),
      ],
      input: [io('x', 3)],
      output: [io('y', 2)],
    },
  }).finish();
}

describe.each(['float32', 'float64'] as const)('fromONNX against ONNX Runtime, %s', (dtype) => {
  it('reads Gemm (transB = 1), MatMul + Add and a bias-free MatMul as the runtime computes them', async () => {
    const bytes = foreignGraph(dtype);
    const { model } = fromONNX(bytes);
    expect(model.describe()).toBe(
      `Sequential(Linear(3 → 5${dtype === 'float32' ? ', float32' : ''}) → tanh → Linear(5 → 4${dtype === 'float32' ? ', float32' : ''}) → relu → Linear(4 → 2, no bias${dtype === 'float32' ? ', float32' : ''}) → sigmoid)`,
    );
    const x = rand([9, 3], { dtype, generator }).mul(6).sub(3);
    const session = await ort.InferenceSession.create(bytes);
    const data = dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data);
    const { y } = await session.run({ x: new ort.Tensor(dtype, data, [9, 3]) });
    const want = [...((y?.data ?? []) as Float32Array | Float64Array)];
    const got = [...model.forward(x).data];
    expect(got.length).toBe(18);
    const diff = Math.max(...got.map((v, i) => Math.abs(v - (want[i] as number))));
    expect(diff).toBeLessThanOrEqual(TOLERANCE[dtype]);
  });
});
