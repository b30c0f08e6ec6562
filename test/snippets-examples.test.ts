// Every `@example` of the packages' doc comments (the API pages show them as code) runs and prints
// what its `// →` comments say, as the Markdown blocks do (test/snippets.ts; type-checked in
// snippets-typecheck.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkBlocks, repo } from './snippets.js';
import { docExamples, sourceFiles } from './snippets-examples.js';

const dir = join(repo, 'examples', '.snippets', 'examples');

it('runs every @example of the doc comments, and each `// →` output matches', async () => {
  const examples = docExamples();
  const { problems, counts, timings } = await checkBlocks(examples, dir, { typecheck: false });
  const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.info(
    `doc-comment examples: ${counts.blocks}; ${counts.run} run, ${counts.compared} outputs ` +
      `compared, ${counts.noRun} no-run; slowest: ` +
      slowest.map((t) => `${t.block} ${t.ms.toFixed(0)} ms`).join(', '),
  );
  expect(problems.join('\n\n')).toBe('');
  // every tag gave a block: none was lost to the comment parsing
  const tags = sourceFiles()
    .map(
      (file) => readFileSync(join(repo, file), 'utf8').match(/^\s*\*\s*@example\b/gm)?.length ?? 0,
    )
    .reduce((a, b) => a + b, 0);
  expect(counts.blocks).toBeGreaterThanOrEqual(tags);
  expect(counts.run).toBeGreaterThan(0);
}, 120_000);
