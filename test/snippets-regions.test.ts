// Every `<<<` include on the docs pages names a file and a region that exist, and every region
// marker pair in the sources is balanced (test/snippets-regions.ts does the work).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, repo } from './snippets.js';
import { includeProblems, includes, markerProblems, sourceFiles } from './snippets-regions.js';

const docs = join(repo, 'docs');

describe('source listings included by region', () => {
  it('names existing files and regions in every <<< include of the docs', () => {
    const pages = markdownFiles().filter((f) => f.startsWith('docs/'));
    const problems = pages.flatMap((page) =>
      includeProblems(join(repo, page), readFileSync(join(repo, page), 'utf8'), docs, repo),
    );
    expect(problems).toEqual([]);
    const count = pages.reduce(
      (n, page) =>
        n + includes(join(repo, page), readFileSync(join(repo, page), 'utf8'), docs).length,
      0,
    );
    expect(count).toBeGreaterThan(0);
  });

  it('has balanced region markers in every source file', () => {
    const dirs = [
      ...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'src')),
      join(repo, 'examples', 'src'),
      join(repo, 'benchmarks', 'src'),
    ];
    const problems = dirs
      .flatMap(sourceFiles)
      .flatMap((file) => markerProblems(relative(repo, file), readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('reports a missing file, a missing region and unbalanced markers', () => {
    const page = join(docs, 'page.md');
    const text = [
      '<<< @/../packages/core/src/engine.ts#record',
      '<<< @/../packages/core/src/engine.ts#no-such-region',
      '```md',
      '<<< @/inside/a/fence.ts',
      '```',
      '<<< ./missing.ts#x [a title]',
    ].join('\n');
    expect(includeProblems(page, text, docs, repo)).toEqual([
      'docs/page.md:2: <<< names region no-such-region of packages/core/src/engine.ts, which has no ' +
        '// #region no-such-region (VitePress would include the whole file)',
      'docs/page.md:6: <<< names docs/missing.ts, which does not exist',
    ]);
    const source = [
      '// #region a',
      '// #endregion b',
      '  // #region c',
      '// #region a',
      '// #endregion a',
    ].join('\n');
    expect(markerProblems('x.ts', source)).toEqual([
      'x.ts:2: #endregion b without a #region b above it',
      'x.ts:4: a second #region a; region names are unique in a file',
      'x.ts:3: #region c is never closed by // #endregion c',
    ]);
  });
});
