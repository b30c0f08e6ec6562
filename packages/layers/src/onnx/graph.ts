// A small builder of ONNX graphs for toONNX: nodes with fresh names, and initialisers holding exact
// copies of typed arrays (little-endian raw_data, so float64 weights keep every bit).
import onnxProto from 'onnx-proto';

/** The element types an exported model may have. */
export type OnnxDType = 'float32' | 'float64';

/** ONNX's TensorProto.DataType for each dtype: FLOAT and DOUBLE. */
// (numbers, not onnx-proto's enum: a module-level read of the protobuf messages would keep them
// in every bundle that imports the layers package, toONNX used or not)
export const ONNX_ELEM_TYPE: { [K in OnnxDType]: number } = { float32: 1, float64: 11 };

/** An attribute value: a number is a float unless listed as an int by `attr`. */
export type AttributeValue = { f: number } | { i: number } | { s: string };

/** Collects the nodes and initialisers of one graph; every value gets a unique name. */
export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  /** Each initialiser's values, as stored (float32 ones rounded), by name. */
  readonly constants = new Map<string, number[]>();
  private count = 0;

  constructor(readonly dtype: OnnxDType) {}

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  /** Adds a node of `opType` on `inputs` and returns the name of its (single) output, fresh unless given. */
  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    output = this.fresh(opType.toLowerCase()),
  ): string {
    this.nodes.push(
      onnxProto.onnx.NodeProto.create({
        opType,
        input: inputs,
        output: [output],
        name: `${opType}_${this.nodes.length}`,
        attribute: Object.entries(attributes).map(([name, v]) =>
          onnxProto.onnx.AttributeProto.create(
            'f' in v
              ? { name, type: onnxProto.onnx.AttributeProto.AttributeType.FLOAT, f: v.f }
              : 'i' in v
                ? { name, type: onnxProto.onnx.AttributeProto.AttributeType.INT, i: v.i }
                : {
                    name,
                    type: onnxProto.onnx.AttributeProto.AttributeType.STRING,
                    s: Uint8Array.from(v.s, (c) => c.charCodeAt(0)), // ASCII names only
                  },
          ),
        ),
      }),
    );
    return output;
  }

  /** An initialiser of the graph's dtype with these values and dims, named `hint` (made unique unless `exact`). */
  tensor(hint: string, values: ArrayLike<number>, dims: number[], exact = false): string {
    const name = exact ? hint : this.fresh(hint);
    const data = this.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    // raw_data is little-endian; typed arrays use the platform's order, little-endian on every
    // platform Node supports, but DataView makes it explicit.
    const bytes = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (this.dtype === 'float32') view.setFloat32(i * 4, v, true);
      else view.setFloat64(i * 8, v, true);
    }
    this.constants.set(name, Array.from(data));
    this.initializers.push(
      onnxProto.onnx.TensorProto.create({
        name,
        dims,
        dataType: ONNX_ELEM_TYPE[this.dtype],
        rawData: bytes,
      }),
    );
    return name;
  }

  /** A scalar constant of the graph's dtype (broadcast by the elementwise ops). */
  scalar(value: number): string {
    return this.tensor('c', [value], []);
  }
}
