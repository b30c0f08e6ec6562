import { defineProject } from 'vitest/config';

// Vitest 4's defaults (Vite's server conditions minus 'module') with '@backprop/source' first, so workspace
// packages resolve to each other's src/ without a build. Both resolve and ssr.resolve need it.
const conditions = ['@backprop/source', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'onnx-test',
    include: ['src/**/*.test.ts'],
  },
});
