import { defineConfig } from 'tsup';

export default defineConfig({
  // node.ts is the Node-only entry @backprop/core/node (worker threads); index.ts stays browser-safe.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  // Shared chunks in CJS too: node.cjs must set the threaded matmul in the same kernels module
  // that index.cjs runs, not in a copy of its own.
  splitting: true,
  // TS 6 flags the baseUrl tsup's dts step sets (TS5101) unless deprecations are acknowledged;
  // composite is for tsc -b only (with it, the dts step wants every file listed: TS6307).
  // node.ts needs Node's types (the tsc -b check of the browser-safe files, tsconfig.json, has none).
  // stripInternal: the engine's bookkeeping on Tensor (_node, _mark, _slot, _made) is not API.
  dts: {
    compilerOptions: {
      ignoreDeprecations: '6.0',
      composite: false,
      types: ['node'],
      stripInternal: true,
    },
  },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
});
