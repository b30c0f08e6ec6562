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
    // each test opens many ONNX Runtime sessions (and some run the CLI as processes): on a loaded
    // machine that takes many times its usual second, and that must not fail it
    testTimeout: 120_000,
  },
});
