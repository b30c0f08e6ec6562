// The library's version, for what it writes (ONNX producer_version); a test holds it to package.json.

/** The version of @backprop/layers. */
export const LAYERS_VERSION = '0.1.0';
