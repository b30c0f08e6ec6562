// The snippet checker itself, on a small Markdown text: it must notice a wrong output, a type
// error and an explanation where output belongs, and pass the block that is right.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkMarkdown, extractExamples, publicEntries, repo, withImports } from './snippets.js';

const dir = join(repo, 'examples', '.snippets', 'checker');

const page = [
  '# A page',
  '',
  '```ts',
  'const x = [1, 2];',
  'console.log(x[0] + x[1]); // → 3',
  'console.log(x.map((v) => v * 2)); // → [ 2, 5 ]',
  'console.log(x.length); // the length',
  '```',
  '',
  'Some prose.',
  '',
  '- in a list:',
  '  ```ts',
  '  const n: number = "two";',
  '  console.log(',
  '    n,',
  '  ); // → two',
  '  ```',
  '',
  '```ts no-run',
  'console.log(1); // → 2',
  '```',
  '',
].join('\n');

const loops = [
  '```ts',
  'if (Math.random() > 2) console.log(1); // → 1',
  'for (const i of [1, 2]) console.log(i); // → 1',
  '```',
  '',
  '```ts',
  'const limit = 2;',
  "if (limit > 1) throw new RangeError('over the limit');",
  '```',
].join('\n');

// one call for both pages: each call builds a TypeScript Program, which takes seconds
it('reports a wrong output, a type error, a trailing non-→ comment, a → line run 0 or 2 times, a throw', async () => {
  const { problems, counts } = await checkMarkdown(
    [
      { file: 'page.md', text: page },
      { file: 'loops.md', text: loops },
    ],
    dir,
  );
  expect(problems).toEqual([
    "page.md:14:9: TS2322: Type 'string' is not assignable to type 'number'.",
    'page.md:7:22: console.log with a trailing comment that is not its output (// the length): ' +
      'write the printed text as `// → text`, or move the comment to its own line',
    'page.md:6: printed\n    [ 2, 4 ]\n  but the comment says\n    [ 2, 5 ]',
    'loops.md:2: this console.log did not run, so its `// →` output is unchecked',
    'loops.md:3: this console.log ran 2 times; a `// →` line must print once',
    'loops.md:8:22: the block threw RangeError: over the limit',
  ]);
  // page.md's `3` and the list item's `two` (a multi-line call) matched; no-run never ran
  expect(counts).toEqual({ blocks: 5, run: 4, noRun: 1, compared: 5 });
}, 60_000);

const source = [
  '/**',
  ' * Doubles.',
  ' * @example',
  ' * const t = tensor([1]);',
  ' * console.log(double(t).item()); // → 2',
  ' */',
  'export function double(x: Tensor): Tensor {',
  '  return x.mul(2);',
  '}',
  'class A {',
  '  /**',
  '   * @example A title',
  '   * ```ts',
  "   * import { zeros } from '@backprop/core';",
  '   * console.log(zeros([2]).shape);',
  '   * ```',
  '   * Prose after the fence.',
  '   */',
  '  m(): void {}',
  '}',
  '/** @example relu(x) // a value, not yet a console.log */',
  'export const y = 1;',
].join('\n');

it('reads @example blocks with their source lines, and imports the public names they use', () => {
  const blocks = extractExamples('packages/core/src/double.ts', source);
  expect(blocks.map((b) => [b.line, b.indent, b.code])).toEqual([
    [4, 3, 'const t = tensor([1]);\nconsole.log(double(t).item()); // → 2\n'],
    [14, 5, "import { zeros } from '@backprop/core';\nconsole.log(zeros([2]).shape);\n"],
    [21, 13, 'relu(x) // a value, not yet a console.log\n'],
  ]);
  const entries = publicEntries('packages/core/src/double.ts');
  // tensor is core's; double is not public (not in an entry); t is the example's own
  expect(withImports(blocks[0], entries).code).toBe(
    `${blocks[0].code}import { tensor } from '@backprop/core';\n`,
  );
  // an example with an import statement imports for itself
  expect(withImports(blocks[1], entries)).toEqual(blocks[1]);
  // relu is both layers' activation and core's op: the example's own package wins
  expect(withImports(blocks[2], entries).code).toBe(
    `${blocks[2].code}import { relu } from '@backprop/core';\n`,
  );
  const fromLayers = withImports(
    { ...blocks[2], file: 'packages/layers/src/x.ts' },
    publicEntries('packages/layers/src/x.ts'),
  );
  expect(fromLayers.code).toBe(`${blocks[2].code}import { relu } from '@backprop/layers';\n`);
});
