import { defineProject } from 'vitest/config';

const conditions = ['@backprop/source', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'repository',
    include: ['**/*.test.ts'],
  },
});
