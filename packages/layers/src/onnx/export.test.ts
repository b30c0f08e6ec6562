// toONNX's graph read back with onnx-proto: names, shapes, opset, exact weights, and errors for people.
// (The numbers the graph computes are checked in the real ONNX Runtime: onnx-test/.)
import { DTypeError, ValueError } from '@backprop/core';
import {
  activationEntries,
  defineActivation,
  Linear,
  MLP,
  Module,
  RBF,
  Sequential,
} from '@backprop/layers';
import { toONNX } from '@backprop/layers/onnx';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { LAYERS_VERSION } from '../version.js';

const { onnx } = onnxProto;
const read = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes);
const opTypes = (bytes: Uint8Array) => read(bytes).graph?.node?.map((n) => n.opType) ?? [];

describe('toONNX', () => {
  it('writes named inputs and outputs with a symbolic batch axis, opset 17 and the version', () => {
    const net = new MLP({ inputs: 2, hidden: [3], outputs: 4, activation: 'relu', seed: 0 });
    const m = read(toONNX(net));
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(m.producerName).toBe('backprop');
    expect(m.producerVersion).toBe(LAYERS_VERSION);
    expect(m.docString).toContain(`@backprop/layers ${LAYERS_VERSION}`);
    const shape = (v: onnxProto.onnx.IValueInfoProto | undefined) =>
      v?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(m.graph?.input?.[0]?.name).toBe('input');
    expect(shape(m.graph?.input?.[0])).toEqual(['batch', 2]);
    expect(m.graph?.output?.[0]?.name).toBe('output');
    expect(shape(m.graph?.output?.[0])).toEqual(['batch', 4]);
    expect(m.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.DOUBLE);
  });

  it('writes each Linear as a Gemm with W as stored ([in, out], transB = 0), bit for bit', () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'tanh', seed: 1 });
    const m = read(toONNX(net));
    expect(opTypes(toONNX(net))).toEqual(['Gemm', 'Tanh', 'Gemm', 'Identity']);
    const gemm = m.graph?.node?.[0];
    expect(gemm?.input).toEqual(['input', 'layers.0.weight', 'layers.0.bias']);
    expect(Number(gemm?.attribute?.find((a) => a.name === 'transB')?.i)).toBe(0);
    const w = m.graph?.initializer?.find((t) => t.name === 'layers.0.weight');
    expect(w?.dims?.map(Number)).toEqual([2, 3]);
    const raw = w?.rawData as Uint8Array;
    const values = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    expect([...values]).toEqual([...(net.layers[0] as Linear).weight.data]);
  });

  it('takes the names and opset asked for; Mish at 18 and Gelu at 20 only then', () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'mish', dtype: 'float32', seed: 0 });
    expect(opTypes(toONNX(net))).not.toContain('Mish');
    expect(opTypes(toONNX(net, { opset: 18 }))).toContain('Mish');
    const gelu = new MLP({ inputs: 2, hidden: [3], activation: 'gelu', dtype: 'float32', seed: 0 });
    expect(opTypes(toONNX(gelu, { opset: 19 }))).not.toContain('Gelu');
    expect(opTypes(toONNX(gelu, { opset: 20 }))).toContain('Gelu');
    const m = read(toONNX(net, { inputName: 'x', outputName: 'y', opset: 20 }));
    expect([m.graph?.input?.[0]?.name, m.graph?.output?.[0]?.name]).toEqual(['x', 'y']);
    expect(Number(m.irVersion)).toBe(9);
  });

  it('exports every catalog activation in float32 and float64, at opsets 17, 18 and 20', () => {
    for (const { name } of activationEntries()) {
      for (const dtype of ['float32', 'float64'] as const) {
        const net = new MLP({ inputs: 2, hidden: [3], activation: name, dtype, seed: 0 });
        for (const opset of [17, 18, 20]) expect(toONNX(net, { opset }).length).toBeGreaterThan(0);
      }
    }
  });

  it('exports a Sequential with an RBF module (γ learnable or not) and a Linear without bias', () => {
    const seq = new Sequential(
      new Linear(2, 3, { seed: 0, bias: false }),
      new RBF({ gamma: 0.5, learnable: true }),
      new Linear(3, 1, { seed: 1 }),
    );
    expect(opTypes(toONNX(seq))).toEqual(['Gemm', 'Mul', 'Mul', 'Exp', 'Gemm', 'Identity']);
    expect(read(toONNX(seq)).graph?.node?.[0]?.input).toEqual(['input', 'layers.0.weight']);
  });

  it('folds a scaler in: (x − mean) / scale before the first Gemm', () => {
    const net = new MLP({ inputs: 2, hidden: [3], seed: 0 });
    const m = read(toONNX(net, { scaler: { mean: [1, -2], scale: [0.5, 4] } }));
    expect(m.graph?.node?.slice(0, 3).map((n) => [n.opType, ...(n.input ?? [])])).toEqual([
      ['Sub', 'input', 'scaler.mean'],
      ['Div', 'sub_0', 'scaler.scale'],
      ['Gemm', 'div_1', 'layers.0.weight', 'layers.0.bias'],
    ]);
    expect(m.docString).toContain('with the input scaler folded in');
    expect(() => toONNX(net, { scaler: { mean: [1], scale: [1] } })).toThrow(
      /scaler must be fitted, with 2 finite means and 2 scales > 0 .* got mean of length 1/,
    );
    expect(() => toONNX(net, { scaler: { mean: [0, 0], scale: [1, 0] } })).toThrow(/scales > 0/);
  });

  it('folds a target scaler in at the end (y · scale + mean) and stores metadata', () => {
    const net = new MLP({ inputs: 2, hidden: [3], outputs: 2, seed: 0 });
    const targetScaler = { mean: [150, -3], scale: [75, 0.5] };
    const m = read(toONNX(net, { targetScaler, metadata: { features: 'age,bmi', target: 'y' } }));
    expect(m.graph?.node?.slice(-3).map((n) => [n.opType, ...(n.input ?? [])])).toEqual([
      ['Mul', 'gemm_2', 'targetScaler.scale'],
      ['Add', 'mul_3', 'targetScaler.mean'],
      ['Identity', 'add_4'],
    ]);
    expect(m.docString).toContain("with the target scaler's inverse folded in");
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['features', 'age,bmi'],
      ['target', 'y'],
    ]);
    expect(() => toONNX(net, { targetScaler: { mean: [1], scale: [1] } })).toThrow(
      /targetScaler must be fitted, with 2 finite means and 2 scales > 0 \(one per output\)/,
    );
    expect(() => toONNX(net, { metadata: { n: 3 } as never })).toThrow(
      /metadata must be an object of strings, such as \{ features: 'age,bmi' \}, got/,
    );
  });

  it("names a user's activation, which has no ONNX form", () => {
    const bent = defineActivation({
      name: 'bentIdentity',
      fn: (a) => a.add(a.square().add(1).sqrt()),
    });
    const net = new MLP({ inputs: 2, hidden: [3, 3], activation: ['relu', bent] });
    expect(() => toONNX(net)).toThrow(ValueError);
    expect(() => toONNX(net)).toThrow(/hidden layer 2 uses the activation 'bentIdentity'/);
    const plain = new Sequential(new Linear(2, 2), (a) => a.mul(2));
    expect(() => toONNX(plain)).toThrow(/layers\.1 uses the activation/);
  });

  it('says what is wrong with the model or the options', () => {
    const net = new MLP({ inputs: 2, hidden: [3] });
    expect(() => toONNX(net, { opset: 12 })).toThrow(
      /opset must be an integer from 13 to 21, got 12/,
    );
    expect(() => toONNX(net, { opest: 18 } as never)).toThrow(/opest/);
    expect(() => toONNX(net, { inputName: 'x', outputName: 'x' })).toThrow(/both 'x'/);
    const mixed = new Sequential(new Linear(2, 2), new Linear(2, 1, { dtype: 'float32' }));
    expect(() => toONNX(mixed)).toThrow(DTypeError);
    expect(() => toONNX(mixed)).toThrow(/layers\.1 is float32 but layers\.0 is float64/);
    const gap = new Sequential(new Linear(2, 3), new Linear(4, 1));
    expect(() => toONNX(gap)).toThrow(/layers\.1 \(Linear\(4 → 1\)\) takes 4 features but gets 3/);
    expect(() => toONNX(new Sequential('relu'))).toThrow(/has no Linear layer/);
    class Doubler extends Module {
      forward = (x: never) => x;
    }
    expect(() => toONNX(new Sequential(new Linear(2, 2), new Doubler()))).toThrow(
      /layers\.1 is a .*which has no ONNX form; expected Linear, Sequential, MLP or RBF/,
    );
    expect(() => toONNX(null as never)).toThrow(/expected a Linear, Sequential or MLP, got null/);
  });
});
