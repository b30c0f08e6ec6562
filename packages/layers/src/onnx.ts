// @backprop/layers/onnx: models as ONNX and back. Its own entry because it bundles the protobuf
// messages (onnx-proto and protobufjs, about 280 KB unminified: the release test's bundle sizes): an app that imports the layers does not load them.

/**
 * ONNX export and import: `toONNX` writes a `Linear`, `Sequential` or `MLP` as the bytes of an ONNX
 * model for ONNX Runtime and every other ONNX reader; `fromONNX` reads such bytes back as a network.
 * (`saveONNX` and `loadONNX`, for files, are in `@backprop/layers/node`.)
 * @module @backprop/layers/onnx
 */
export { type FittedScaler, type ToONNXOptions, toONNX } from './onnx/export.js';
export { fromONNX, type ONNXModel } from './onnx/import.js';
