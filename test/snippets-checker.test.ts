// The snippet checker itself, on small Markdown texts: it must notice a wrong output (in each of its
// forms), a type error and an explanation where output belongs, and pass the blocks that are right.
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { checkMarkdown, repo } from './snippets.js';
import { extractExamples, publicEntries, withImports } from './snippets-examples.js';

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

// the multi-line forms: `// →` lines under a call, and a ```text output fence after a block
const multi = [
  '```ts',
  "const rows = ['a 1', 'b 2', 'c 3'];",
  "console.log(rows.join('\\n'));",
  '// → a 1',
  '// → b 2',
  '// → c 3',
  "console.log(rows.slice(0, 2).join('\\n')); // → a 1",
  '// → b 3',
  "console.log('inline'); // → inline",
  'for (const r of rows) console.log(r.toUpperCase());',
  '```',
  '',
  'It prints:',
  '',
  '```text output',
  'A 1',
  'B 2   ',
  'C 4',
  '```',
  '',
  '```ts',
  "for (const r of ['x', 'y']) {",
  '  console.log(r);',
  '}',
  '// → x',
  '// → y',
  '```',
  '',
  '```text output',
  'x',
  'y',
  'z',
  '```',
  '',
  '```text output',
  'a fence with no block above it',
  '```',
  '',
  '```` ```text output ```` in prose is no fence',
].join('\n');

// one call for all pages: each call builds a TypeScript Program, which takes seconds
it('reports a wrong output (one line, a `// →` line of several, an output fence line), a type error, a trailing non-→ comment, a stray → line, a → line run 0 or 2 times, a throw', async () => {
  const { problems, counts } = await checkMarkdown(
    [
      { file: 'page.md', text: page },
      { file: 'loops.md', text: loops },
      { file: 'multi.md', text: multi },
    ],
    dir,
  );
  expect(problems).toEqual([
    "page.md:14:9: TS2322: Type 'string' is not assignable to type 'number'.",
    'multi.md:35: an output fence must come right after the ts block it shows the output of',
    'page.md:7:22: console.log with a trailing comment that is not its output (// the length): ' +
      'write the printed text as `// → text`, or move the comment to its own line',
    'page.md:6: printed\n    [ 2, 4 ]\n  but the comment says\n    [ 2, 5 ]',
    'loops.md:2: this console.log did not run, so its `// →` output is unchecked',
    'loops.md:3: this console.log ran 2 times; a `// →` line must print once',
    'loops.md:8:22: the block threw RangeError: over the limit',
    'multi.md:8: printed\n    b 2\n  but the comment says\n    b 3',
    // the trailing spaces of `B 2   ` are not compared; the third line is
    'multi.md:18: printed\n    C 3\n  but the output fence says\n    C 4',
    // a loop's lines under its closing brace: no call is right above them
    'multi.md:25: a `// →` output line with no console.log right above it: put it under the call ' +
      "that prints it (no other line between), or show a loop's output in a ```text output fence",
    'multi.md:26: a `// →` output line with no console.log right above it: put it under the call ' +
      "that prints it (no other line between), or show a loop's output in a ```text output fence",
    'multi.md:32: printed 2 lines but the output fence shows 3',
  ]);
  // page.md's `3` and the list item's `two` (a multi-line call) matched; no-run never ran;
  // multi.md: three `// →` calls and two output fences
  expect(counts).toEqual({ blocks: 7, run: 6, noRun: 1, compared: 10 });
}, 60_000);

// a block that registers an activation must not change what the next block sees, with `fresh`
const registries = [
  '```ts',
  "import { defineActivation, registerActivation } from '@backprop/layers';",
  '',
  "registerActivation(defineActivation({ name: 'probe', f: (a) => a, df: () => 1 }));",
  '```',
  '',
  '```ts',
  "import { activationEntries } from '@backprop/layers';",
  '',
  "console.log(activationEntries().some((e) => e.name === 'probe')); // → false",
  '```',
].join('\n');

it('runs each block from fresh modules when asked, and shares them when not', async () => {
  const file = [{ file: 'registries.md', text: registries }];
  const shared = await checkMarkdown(file, dir, { typecheck: false });
  expect(shared.problems).toEqual([
    'registries.md:10: printed\n    true\n  but the comment says\n    false',
  ]);
  const fresh = await checkMarkdown(file, dir, {
    typecheck: false,
    fresh: () => vi.resetModules(),
  });
  expect(fresh.problems).toEqual([]);
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
