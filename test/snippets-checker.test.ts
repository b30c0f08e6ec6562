// The snippet checker itself, on a small Markdown text: it must notice a wrong output, a type
// error and an explanation where output belongs, and pass the block that is right.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkMarkdown, repo } from './snippets.js';

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
