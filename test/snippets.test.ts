// Every ```ts block of the READMEs, CONTRIBUTING.md and the docs pages type-checks, runs, and
// prints what its `// →` comments say (test/snippets.ts does the work).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkMarkdown, markdownFiles, repo } from './snippets.js';

// inside examples/ so that the blocks' imports resolve as the examples' do; .gitignored
const dir = join(repo, 'examples', '.snippets', 'docs');

it('type-checks and runs every ts block of the docs, and each `// →` output matches', async () => {
  const files = markdownFiles().map((file) => ({
    file,
    text: readFileSync(join(repo, file), 'utf8'),
  }));
  const { problems, counts, timings } = await checkMarkdown(files, dir);
  const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.info(
    `snippets: ${counts.blocks} ts blocks in ${files.length} files; ${counts.run} run, ` +
      `${counts.compared} outputs compared, ${counts.noRun} no-run (fragments: not type-checked, not run); slowest: ${slowest.map((t) => `${t.block} ${t.ms.toFixed(0)} ms`).join(', ')}`,
  );
  expect(problems.join('\n\n')).toBe('');
  expect(counts.run).toBeGreaterThan(0);
}, 120_000);
