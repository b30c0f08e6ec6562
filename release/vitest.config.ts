import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'release',
    include: ['src/**/*.test.ts'],
    // one registry and one consumer project (published.ts) for every test file
    globalSetup: ['src/published.ts'],
    fileParallelism: false,
  },
});
