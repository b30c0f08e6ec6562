import { defineConfig } from 'tsup';

export default defineConfig({
  // main.ts is the program bin/backprop.mjs runs; plots.ts the plotting helpers (Vega-Lite → SVG).
  entry: ['src/main.ts', 'src/plots.ts'],
  format: ['esm'],
  dts: { compilerOptions: { ignoreDeprecations: '6.0', composite: false, types: ['node'] } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
});
