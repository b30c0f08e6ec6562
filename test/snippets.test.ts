// Every ```ts (and ```js) block of the READMEs, CONTRIBUTING.md and the docs pages runs and
// prints what its `// →` comments say (test/snippets.ts does the work; snippets-typecheck.test.ts
// type-checks the ts blocks, in parallel with this file).
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { checkMarkdown, docsMarkdown, repo } from './snippets.js';

// inside examples/ so that the blocks' imports resolve as the examples' do; .gitignored
const dir = join(repo, 'examples', '.snippets', 'run');

it('runs every ts block of the docs, and each `// →` output matches', async () => {
  const files = docsMarkdown();
  const { problems, counts, timings } = await checkMarkdown(files, dir, {
    typecheck: false,
    fresh: () => vi.resetModules(), // each block a program of its own: no registry shared
  });
  const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.info(
    `snippets: ${counts.blocks} ts and js blocks in ${files.length} files; ${counts.run} run, ` +
      `${counts.compared} outputs compared, ${counts.noRun} no-run (fragments: not type-checked, ` +
      `not run); slowest: ${slowest.map((t) => `${t.block} ${t.ms.toFixed(0)} ms`).join(', ')}`,
  );
  expect(problems.join('\n\n')).toBe('');
  expect(counts.run).toBeGreaterThan(0);
}, 120_000);
