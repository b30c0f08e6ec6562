// The terminal transcripts of the root README and the docs site's pages that show commands, re-run: every
// ```text block that starts with `$ npx backprop` has each `$ ` line run again with the built binary
// (build first, as `npm test` does), and what it prints must be the lines below it, so that no number
// on those pages can drift from what the tool prints. Only stdout is compared (progress lines go to
// stderr); a transcript that shows stderr says `2>&1`, and one cut short says `| head -n` or has a
// line `…` that stands for any lines there. A ```text no-run block (Ctrl-C, say) is not re-run.
import { readFileSync } from 'node:fs';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/backprop.mjs', import.meta.url));
const pages = ['README.md', 'docs/cli.md', 'docs/serving-onnx.md', 'packages/cli/README.md'];

interface Command {
  /** 1-based line of the `$ ` line in the Markdown file. */
  line: number;
  command: string;
  expected: string[];
}

/** The transcripts of a Markdown text: ```text blocks whose first line is `$ npx backprop …`. */
function transcripts(markdown: string): Command[][] {
  const lines = markdown.split('\n');
  const blocks: Command[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```text' || !lines[i + 1]?.startsWith('$ npx backprop ')) continue;
    const block: Command[] = [];
    for (i++; lines[i] !== '```'; i++) {
      const text = lines[i] as string;
      if (text.startsWith('$ ')) block.push({ line: i + 1, command: text.slice(2), expected: [] });
      else block.at(-1)?.expected.push(text);
    }
    blocks.push(block);
  }
  return blocks;
}

/** What a page shows of an output: no trailing spaces or blank lines, and no training date. */
function visible(lines: string[]): string[] {
  const out = lines.map((l) => l.trimEnd().replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>'));
  while (out.at(-1) === '') out.pop();
  return out;
}

/**
 * `actual` as the page would show it: when the page's lines are found in it in order, each `…` line
 * standing for any lines between, the page's own lines (a match); otherwise `actual` itself, so the
 * failure shows everything the command printed.
 */
function elided(actual: string[], page: string[]): string[] {
  const parts: string[][] = [[]];
  for (const line of page) line === '…' ? parts.push([]) : parts.at(-1)?.push(line);
  if (parts.length === 1) return actual;
  const at = (part: string[], from: number) =>
    actual.findIndex((_, i) => i >= from && part.every((line, j) => actual[i + j] === line));
  const first = parts[0] as string[];
  const last = parts.at(-1) as string[];
  if (!first.every((line, j) => actual[j] === line)) return actual;
  let from = first.length;
  for (const part of parts.slice(1, -1)) {
    const i = at(part, from);
    if (i < 0) return actual;
    from = i + part.length;
  }
  const tail = actual.length - last.length;
  return tail >= from && last.every((line, j) => actual[tail + j] === line) ? page : actual;
}

// `npx backprop` as a shell function running this clone's binary; any other command runs as written
const shim =
  'npx() { if [ "$1" = backprop ]; then shift; node "$BACKPROP_BIN" "$@"; else return 127; fi; }';

/** A fresh folder that sees the repository's examples/, where a page's transcripts run. */
async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'backprop-transcript-'));
  await symlink(join(repo, 'examples'), join(dir, 'examples'), 'dir');
  return dir;
}

/** Runs a transcript's commands in order in `dir`; its model files stay there for the next one. */
async function rerun(block: Command[], dir: string): Promise<string[][]> {
  const outputs: string[][] = [];
  for (const { command } of block) {
    const r = await execa('sh', ['-c', `${shim}\n${command}`], {
      cwd: dir,
      reject: false,
      env: { BACKPROP_BIN: bin, NO_COLOR: '1' },
    });
    outputs.push(visible(r.stdout.split('\n')));
  }
  return outputs;
}

it('the pages show the issue’s diabetes --cv 5 run', () => {
  const commands = pages.flatMap((page) =>
    transcripts(readFileSync(join(repo, page), 'utf8')).flatMap((b) => b.map((c) => c.command)),
  );
  expect(commands).toContain(
    'npx backprop train examples/data/diabetes.csv --target progression --cv 5',
  );
});

for (const page of pages) {
  describe(page, () => {
    const blocks = transcripts(readFileSync(join(repo, page), 'utf8'));
    // the page's transcripts in order, in one folder: a later one may use a model an earlier one saved
    let dir: string;
    beforeAll(async () => {
      dir = await workspace();
    });

    it('has transcripts', () => {
      expect(blocks.length).toBeGreaterThan(0);
    });

    for (const block of blocks) {
      const first = block[0] as Command;
      it(`${page}:${first.line - 1}: prints what the transcript shows`, async () => {
        const outputs = await rerun(block, dir);
        for (const [k, { line, command, expected }] of block.entries())
          expect(
            elided(outputs[k] ?? [], visible(expected)),
            `${page}:${line}: $ ${command}`,
          ).toEqual(visible(expected));
      }, 60_000);
    }
  });
}
