// Every ```ts block of the READMEs, CONTRIBUTING.md and the docs pages, and every @example of the
// packages' doc comments (no-run fragments aside)
// type-checks against the packages' sources, strict, as the examples do: one TypeScript Program
// for all of them. Errors name the Markdown file, line and column.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { docsMarkdown, extractBlocks, repo, typeErrors, writeModules } from './snippets.js';
import { docExamples } from './snippets-examples.js';

const dir = join(repo, 'examples', '.snippets', 'typecheck');

it('type-checks every ts block of the docs and every @example of the doc comments', () => {
  const blocks = [
    ...docsMarkdown().flatMap(({ file, text }) => extractBlocks(file, text)),
    ...docExamples(),
  ].filter((b) => !b.noRun && b.lang === 'ts');
  writeModules(blocks, dir);
  expect(typeErrors(blocks, dir).join('\n')).toBe('');
  expect(blocks.length).toBeGreaterThan(0);
}, 120_000);
