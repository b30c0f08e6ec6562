import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'release',
    include: ['src/**/*.test.ts'],
    // one registry, one consumer project: the checks share them and run in order
    fileParallelism: false,
  },
});
