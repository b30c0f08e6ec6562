import { defineConfig } from 'tsup';

export default defineConfig({
  // node.ts is the Node-only entry @backprop/layers/node (files); index.ts stays browser-safe; onnx.ts
  // (@backprop/layers/onnx) is apart so that the protobuf code it bundles stays out of the others.
  entry: ['src/index.ts', 'src/node.ts', 'src/onnx.ts'],
  format: ['esm', 'cjs'],
  // Shared chunks in CJS too: else node.cjs would carry its own copy of the classes and the activation
  // catalog, and a model made with index.cjs would not be recognised by save().
  splitting: true,
  // TS 6 flags the baseUrl tsup's dts step sets (TS5101) unless deprecations are acknowledged;
  // composite is for tsc -b only (with it, the dts step wants every file listed: TS6307).
  // node.ts needs Node's types (the tsc -b check of the browser-safe files, tsconfig.json, has none).
  dts: { compilerOptions: { ignoreDeprecations: '6.0', composite: false, types: ['node'] } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // toONNX's protobuf messages are bundled in, so that layers installs with no dependency but core
  // (licences in THIRD_PARTY_LICENSES.md)
  noExternal: ['onnx-proto', 'protobufjs', /^@protobufjs\//, 'long'],
});
