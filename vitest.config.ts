import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each entry has its own vitest.config.ts (defineProject) that sets the `@backprop/source` condition.
    projects: ['packages/*', 'examples', 'onnx-test', 'test'],
  },
});
