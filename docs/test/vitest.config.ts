// `pnpm docs:test` only: it needs Chromium and a built site, so `npm test` (the root projects) leaves it out.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'docs',
    root: dirname(fileURLToPath(import.meta.url)),
    include: ['*.test.ts'],
  },
});
