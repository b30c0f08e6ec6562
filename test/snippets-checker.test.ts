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
  "import { tensor } from '@backprop/core';",
  'const x = tensor([1, 2]);',
  'console.log(x.sum().item()); // → 3',
  'console.log(x.mul(2).toArray()); // → [ 2, 5 ]',
  'console.log(x.shape); // the shape',
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

it('reports a wrong output, a type error and a trailing comment that is not output, with places', async () => {
  const { problems, counts } = await checkMarkdown([{ file: 'page.md', text: page }], dir);
  expect(problems).toEqual([
    "page.md:15:9: TS2322: Type 'string' is not assignable to type 'number'.",
    'page.md:8:21: console.log with a trailing comment that is not its output (// the shape): ' +
      'write the printed text as `// → text`, or move the comment to its own line',
    'page.md:7: printed\n    [ 2, 4 ]\n  but the comment says\n    [ 2, 5 ]',
  ]);
  // the first block's `3` and the list item's `two` (a multi-line call) matched; no-run never ran
  expect(counts).toEqual({ blocks: 3, run: 2, noRun: 1, compared: 3 });
}, 60_000);

it('says when a `// →` line did not run, or ran more than once', async () => {
  const text = [
    '```ts',
    'if (Math.random() > 2) console.log(1); // → 1',
    'for (const i of [1, 2]) console.log(i); // → 1',
    '```',
  ].join('\n');
  const { problems } = await checkMarkdown([{ file: 'loop.md', text }], dir);
  expect(problems).toEqual([
    'loop.md:2: this console.log did not run, so its `// →` output is unchecked',
    'loop.md:3: this console.log ran 2 times; a `// →` line must print once',
  ]);
}, 60_000);
