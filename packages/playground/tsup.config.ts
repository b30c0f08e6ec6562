import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // TS 6 flags the baseUrl tsup's dts step sets (TS5101) unless deprecations are acknowledged;
  // composite is for tsc -b only (with it, the dts step wants every file listed: TS6307).
  dts: { compilerOptions: { ignoreDeprecations: '6.0', composite: false } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
});
