// fromONNX: what toONNX writes reads back exactly (the same bytes written again, the same outputs
// bit for bit); graphs of the same shape built by hand, as other exporters write them, compute
// what plain loops over their numbers compute; anything else is an error naming the node.
import { Generator, rand, type Tensor, ValueError } from '@backprop/core';
import { activationEntries, Linear, MLP, Sequential } from '@backprop/layers';
import { fromONNX, type ToONNXOptions, toONNX } from '@backprop/layers/onnx';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';

const { onnx } = onnxProto;
const inputs = new Generator(7);

/** toONNX(fromONNX(bytes)) must give back the very same bytes. */
function roundTrip(model: MLP | Sequential | Linear, options: ToONNXOptions = {}) {
  const bytes = toONNX(model, options);
  const read = fromONNX(bytes);
  expect(toONNX(read.model, read.options)).toEqual(bytes);
  return read;
}

/** The two models give bit-identical outputs on random inputs in (−3, 3). */
function expectSameOutputs(
  a: { forward(x: Tensor): Tensor },
  b: { forward(x: Tensor): Tensor },
  features: number,
  dtype: 'float32' | 'float64',
) {
  const x = rand([5, features], { dtype, generator: inputs }).mul(6).sub(3);
  expect([...b.forward(x).data]).toEqual([...a.forward(x).data]);
}

describe('fromONNX reads back what toONNX writes', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`every catalog activation, k = 0…3, ${dtype}: same bytes, same outputs`, () => {
      for (const { name } of activationEntries()) {
        for (let k = 0; k <= 3; k++) {
          const hidden = [4, 3, 5].slice(0, k);
          const net = new MLP({ inputs: 3, hidden, outputs: 2, activation: name, dtype, seed: k });
          const { model } = roundTrip(net);
          expect(model).toBeInstanceOf(MLP);
          expect(model.describe()).toBe(net.describe()); // aliases (gelu, swish) read as their primary names
          expectSameOutputs(net, model, 3, dtype);
        }
      }
    });

    it(`family members, softmax outputs and opsets 13…21 (native Mish, Gelu), ${dtype}`, () => {
      for (const activation of ['leakyRelu(0.2)', 'elu(0.5)', 'rbf(0.3)', 'leakyRelu(0.01)']) {
        const net = new MLP({
          inputs: 3,
          hidden: [4],
          activation,
          outputActivation: 'softmax',
          dtype,
        });
        const { model } = roundTrip(net);
        expect((model as MLP).config.activation).toEqual(net.config.activation);
        expect((model as MLP).config.outputActivation).toBe('softmax');
        expectSameOutputs(net, model, 3, dtype);
      }
      for (const opset of [13, 17, 18, 20, 21]) {
        for (const activation of ['mish', 'geluTanh']) {
          const net = new MLP({ inputs: 2, hidden: [3], activation, dtype, seed: opset });
          expect(roundTrip(net, { opset }).options.opset).toBe(opset);
        }
      }
    });
  }

  it('a Sequential that is no MLP stays a Sequential; one that is becomes an MLP', () => {
    const seq = new Sequential(
      'tanh',
      new Linear(3, 4, { seed: 1, bias: false }),
      'relu',
      'sigmoid',
      new Linear(4, 2, { seed: 2 }),
    );
    const { model } = roundTrip(seq);
    expect(model).toBeInstanceOf(Sequential);
    expect(model.describe()).toBe(seq.describe());
    expectSameOutputs(seq, model, 3, 'float64');

    const nested = new Sequential(new MLP({ inputs: 2, hidden: [3], seed: 0 }), 'softmax');
    const read = fromONNX(toONNX(nested));
    expect(read.model.describe()).toBe('MLP(2 → 3 sigmoid → 1 softmax)');
    expectSameOutputs(nested, read.model, 2, 'float64');
  });

  it('the names, scalers and metadata come back as the options that write the same bytes', () => {
    const net = new MLP({ inputs: 2, hidden: [3], outputs: 2, seed: 0 });
    const options: ToONNXOptions = {
      opset: 18,
      inputName: 'features',
      outputName: 'prediction',
      scaler: { mean: [1, -2], scale: [0.5, 4] },
      targetScaler: { mean: [150, 3], scale: [75, 0.25] },
      metadata: { features: 'age,bmi' },
    };
    expect(roundTrip(net, options).options).toEqual(options);
  });
});

/** A graph as other exporters write them, built here with onnx-proto directly. */
function graph(
  nodes: onnxProto.onnx.INodeProto[],
  initializers: Record<string, [number[], number[]]>,
  { features = 2, extraInputs = [] as string[], opset = 13 } = {},
): Uint8Array {
  const io = (name: string, dims: onnxProto.onnx.TensorShapeProto.IDimension[]) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'other',
      node: nodes,
      initializer: Object.entries(initializers).map(([name, [dims, floatData]]) => ({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        floatData,
      })),
      input: [
        io('x', [{ dimParam: 'N' }, { dimValue: features }]),
        ...extraInputs.map((n) => io(n, [])),
      ],
      output: [io('y', [{ dimParam: 'N' }, { dimValue: 1 }])],
    },
  }).finish();
}

const node = (
  opType: string,
  input: string[],
  output: string,
  attribute: onnxProto.onnx.IAttributeProto[] = [],
) => ({
  opType,
  input,
  output: [output],
  name: output,
  attribute,
});
const INT = onnx.AttributeProto.AttributeType.INT;

describe("fromONNX reads other exporters' graphs of the same shape", () => {
  it('Gemm with transB = 1 ([out, in] weights), float_data, a Constant node and initialisers listed as inputs', () => {
    // y = relu(x·Wᵀ + b) · v + c, W = [[1, 2], [3, 4], [5, 6]] (3 × 2, PyTorch's layout)
    const bytes = graph(
      [
        {
          opType: 'Constant',
          input: [],
          output: ['b'],
          attribute: [
            {
              name: 'value',
              type: onnx.AttributeProto.AttributeType.TENSOR,
              t: { dims: [3], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [0.5, -1, 0] },
            },
          ],
        },
        node('Gemm', ['x', 'W', 'b'], 'h', [{ name: 'transB', type: INT, i: 1 }]),
        node('Relu', ['h'], 'r'),
        node('MatMul', ['r', 'v'], 'm'),
        node('Add', ['c', 'm'], 'y'),
      ],
      {
        W: [
          [3, 2],
          [1, 2, 3, 4, 5, 6],
        ],
        v: [
          [3, 1],
          [1, -1, 0.25],
        ],
        c: [[1], [2]],
      },
      { extraInputs: ['W', 'v', 'c'] },
    );
    const { model, options } = fromONNX(bytes);
    expect(model.describe()).toBe('MLP(2 → 3 relu → 1 identity)');
    expect(options).toEqual({ opset: 13, inputName: 'x', outputName: 'y' });
    const x = [
      [1, 1],
      [-2, 0.5],
    ];
    // by hand: row [1, 1]: h = [3.5, 6, 11] → relu same → 3.5 − 6 + 2.75 + 2 = 2.25
    // row [−2, 0.5]: h = [−0.5, −5, −8] → relu [0, 0, 0] → 2
    expect([...model.forward(x).data]).toEqual([2.25, 2]);
  });

  it('MatMul without bias, and two activations in a row, as a Sequential', () => {
    const bytes = graph(
      [node('MatMul', ['x', 'W'], 'h'), node('Tanh', ['h'], 't'), node('Sigmoid', ['t'], 'y')],
      {
        W: [
          [2, 1],
          [0.5, -0.25],
        ],
      },
    );
    const { model } = fromONNX(bytes);
    expect(model.describe()).toBe('Sequential(Linear(2 → 1, no bias, float32) → tanh → sigmoid)');
    const want = 1 / (1 + Math.exp(-Math.tanh(0.5 * 2 - 0.25 * 4)));
    expect(model.forward([[2, 4]]).item()).toBeCloseTo(want, 7);
  });
});

describe('fromONNX says what it cannot read, and where', () => {
  const net = new MLP({ inputs: 2, hidden: [3], seed: 0 });

  it('names the first node it does not understand', () => {
    const bytes = graph([node('Gemm', ['x', 'W'], 'h'), node('Erf', ['h'], 'y')], {
      W: [
        [2, 1],
        [1, 2],
      ],
    });
    expect(() => fromONNX(bytes)).toThrow(ValueError);
    expect(() => fromONNX(bytes)).toThrow(
      "fromONNX: cannot read node 1 'y' (Erf): expected, on the value 'h', a Gemm (or MatMul and Add), a catalog activation as toONNX writes it, or the end of the graph",
    );
    // Gelu is only read at the opset where toONNX writes it (20)
    const gelu = graph(
      [node('Gemm', ['x', 'W'], 'h'), node('Gelu', ['h'], 'y')],
      {
        W: [
          [2, 1],
          [1, 2],
        ],
      },
      { opset: 17 },
    );
    expect(() => fromONNX(gelu)).toThrow(/cannot read node 1 'y' \(Gelu\)/);
  });

  it('refuses a Gemm it cannot map onto a Linear, with the reason', () => {
    const transA = graph([node('Gemm', ['x', 'W'], 'y', [{ name: 'transA', type: INT, i: 1 }])], {
      W: [
        [2, 1],
        [1, 2],
      ],
    });
    expect(() => fromONNX(transA)).toThrow(
      "fromONNX: node 0 'y' (Gemm) has alpha = 1, beta = 1, transA = 1; a Linear is a Gemm with alpha = beta = 1 and transA = 0",
    );
    const computed = graph([node('Gemm', ['x', 'z'], 'y')], {}, { extraInputs: ['z'] });
    expect(() => fromONNX(computed)).toThrow(/expected a graph with one input, got 2/);
    const wide = graph([node('Gemm', ['x', 'W'], 'y')], {
      W: [
        [3, 1],
        [1, 2, 3],
      ],
    });
    expect(() => fromONNX(wide)).toThrow(
      "fromONNX: node 0 'y' (Gemm) takes 3 features but the value before it has 2",
    );
  });

  it('refuses what is not an ONNX model, or not one float input and output', () => {
    expect(() => fromONNX('model.onnx' as never)).toThrow(
      'fromONNX: expected the bytes of an ONNX model (a Uint8Array, e.g. from readFile), got string',
    );
    expect(() => fromONNX(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
      /these 3 bytes are not an ONNX model/,
    );
    expect(() =>
      fromONNX(Uint8Array.from('{"format":"backprop"}', (c) => c.charCodeAt(0))),
    ).toThrow('fromONNX: these 21 bytes are not an ONNX model: index out of range');
    const m = onnx.ModelProto.decode(toONNX(net));
    (m.graph?.input?.[0]?.type?.tensorType as { elemType: number }).elemType =
      onnx.TensorProto.DataType.INT64;
    expect(() => fromONNX(onnx.ModelProto.encode(m).finish())).toThrow(
      "fromONNX: the input 'input' is of ONNX data type 7; expected float (1) or double (11)",
    );
  });

  it('refuses a graph whose output is not where its nodes end', () => {
    const m = onnx.ModelProto.decode(toONNX(net));
    m.graph?.node?.pop(); // drops the Identity that names the output
    expect(() => fromONNX(onnx.ModelProto.encode(m).finish())).toThrow(
      "fromONNX: the graph's output 'output' is not the value its last node computes ('gemm_2')",
    );
  });
});
