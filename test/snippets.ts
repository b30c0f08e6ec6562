// The snippet checker: every ```ts block of the Markdown docs is type-checked (one TypeScript
// Program for all of them) and run as a module, and what it prints is compared with what the page
// shows. Problems name the Markdown file and its line, so a reader's fix starts there.
//
// How a block shows its output (util.inspect formatting, as console.log prints):
// - one line: `console.log(expr); // → text`, the text exactly;
// - several lines: full-line `// →` comments right below the console.log (its trailing `// →`, if
//   any, is the first line), each holding one printed line in order:
//       console.log(m.toString());
//       // → tensor([[1, 2],
//       // →         [3, 4]], shape=[2, 2])
//   a `// →` line with no console.log right above it is an error;
// - long outputs (a table, a report, a loop's lines): a ```text output fence after the block, the
//   next fence below it (prose may sit between). It holds everything the block's console.log calls
//   printed, except the calls that show theirs with `// →`, in order; lines are compared without
//   trailing spaces and blank lines at the end (invisible on the page). Any language may carry
//   `output` (```mermaid output).
// A console.log with neither shows nothing and is not compared: keep that for what depends on the
// machine (kernel backend, threads, timings), with a comment line of its own saying so.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { formatWithOptions } from 'node:util';
import ts from 'typescript';

export const repo = join(dirname(new URL(import.meta.url).pathname), '..');

/** One fenced ```ts (or ```js) block: where it sits and what it holds. */
export interface Block {
  /** A ```js block (a plain-JavaScript example, say a .mjs file) is run and compared, not type-checked. */
  lang: 'ts' | 'js';
  /** The Markdown file, relative to the repository (or as given). */
  file: string;
  /** 1-based line in `file` of the block's first code line. */
  line: number;
  /** Columns of indentation stripped from every line (a block inside a list item). */
  indent: number;
  code: string;
  /**
   * Fenced ```ts no-run: a fragment (it names internals, or elides), neither type-checked nor
   * run; only its console.log comments are checked. It is the rare exception, and counted.
   */
  noRun: boolean;
  /** The ```text output fence that shows what the block prints (see attachOutputs). */
  output?: OutputFence;
}

/** A `console.log(…); // → text` of a block: the lines its call spans (0-based) and the text. */
export interface Expectation {
  startLine: number;
  endLine: number;
  /** The printed text, one `// →` line per printed line, joined by newlines. */
  expected: string;
  /** The 0-based block line of each `// →` comment, for the place of a wrong line. */
  commentLines: number[];
}

export interface Counts {
  blocks: number;
  run: number;
  noRun: number;
  compared: number;
}

/** The Markdown files whose ```ts blocks are under test, relative to `root`, in a stable order. */
export function markdownFiles(root = repo): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'];
  for (const dir of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (dir.isDirectory()) files.push(`packages/${dir.name}/README.md`);
  }
  return [...files, ...pages(root, 'docs').sort()].filter((f) => existsSync(join(root, f)));
}

/** The .md files under `dir`, without the generated API reference, the site config and dependencies. */
function pages(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return ['docs/api', 'docs/.vitepress'].includes(path) || entry.name === 'node_modules'
        ? []
        : pages(root, path);
    }
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The Markdown files under test with their texts. */
export function docsMarkdown(root = repo): { file: string; text: string }[] {
  return markdownFiles(root).map((file) => ({
    file,
    text: readFileSync(join(root, file), 'utf8'),
  }));
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;

/** The fence opening at line `i` (0-based), if one does: its indentation, info string and closing line. */
function fenceAt(
  lines: string[],
  i: number,
): { spaces: string; info: string; end: number } | undefined {
  const open = FENCE.exec(lines[i]);
  if (!open) return undefined;
  const [, spaces, fence, info] = open;
  // CommonMark: a backtick fence's info has no backtick, so a line opening with ```` ```ts ```` is prose
  if (fence[0] === '`' && info.includes('`')) return undefined;
  const closing = new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`);
  let end = i + 1;
  while (end < lines.length && !closing.test(lines[end])) end++;
  return { spaces, info, end };
}

/** The ```ts and ```js blocks of one Markdown text, in document order. */
export function extractBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = fenceAt(lines, i);
    if (!fence) continue;
    const { spaces, info, end } = fence;
    // the language is the info string's first word; VitePress adds {1,3} or :line-numbers to it
    const [lang = '', ...flags] = info.trim().split(/\s+/);
    const js = /^(js|javascript)\b/.test(lang);
    // ```js onnxruntime and ```python onnxruntime blocks need ONNX Runtime, a dependency of
    // onnx-test/ only: onnx-test/src/serving-docs.test.ts runs them
    if (flags.includes('onnxruntime')) {
      i = end;
      continue;
    }
    if (js || /^(ts|typescript)\b/.test(lang)) {
      const indent = spaces.length;
      const body = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, leading(l))));
      blocks.push({
        lang: js ? 'js' : 'ts',
        file,
        line: i + 2,
        indent,
        code: `${body.join('\n')}\n`,
        noRun: flags.includes('no-run'),
      });
    }
    i = end;
  }
  return blocks;
}

const leading = (line: string) => line.length - line.trimStart().length;

/**
 * The output comments of a block's console.log calls. A trailing comment that does not start with
 * `→` is a problem: the page would show an explanation where a reader expects output.
 */
export function expectations(block: Block): { found: Expectation[]; problems: string[] } {
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.Latest, true);
  const lines = block.code.split('\n');
  const found: Expectation[] = [];
  const problems: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'console.log') {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source));
      const end = source.getLineAndCharacterOfPosition(node.end);
      const rest = lines[end.line].slice(end.character);
      // the comment may follow the statement (`;`), or an argument list or object it ends (`,` `)`)
      const comment = /^[\s;,)]*\/\/\s?(.*)$/.exec(rest);
      if (comment?.[1].startsWith('→') || (!comment && /^[\s;,)]*$/.test(rest))) {
        const output = outputComments(lines, end.line, comment?.[1]);
        if (output.commentLines.length > 0)
          found.push({ startLine: start.line, endLine: end.line, ...output });
      } else if (comment) {
        problems.push(
          `${where(block, end.line, end.character)}: console.log with a trailing comment that is not its output ` +
            `(// ${comment[1]}): write the printed text as \`// → text\`, or move the comment to its own line`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  problems.push(...strayOutputLines(block, lines, found));
  return { found, problems };
}

const OUTPUT_LINE = /^\s*\/\/\s?→(?: |$)(.*)$/;

/**
 * The `// →` output of a console.log ending on block line `end`: its trailing comment (`trailing`,
 * from the `→` on, if it has one) and the full-line `// →` comments right below it.
 */
function outputComments(
  lines: string[],
  end: number,
  trailing: string | undefined,
): { expected: string; commentLines: number[] } {
  const texts: string[] = [];
  const commentLines: number[] = [];
  if (trailing !== undefined) {
    texts.push(trailing.slice(1).replace(/^ /, ''));
    commentLines.push(end);
  }
  for (let i = end + 1; i < lines.length; i++) {
    const more = OUTPUT_LINE.exec(lines[i]);
    if (!more) break;
    texts.push(more[1]);
    commentLines.push(i);
  }
  return { expected: texts.join('\n'), commentLines };
}

/** Full-line `// →` comments that belong to no console.log: output that nothing checks. */
function strayOutputLines(block: Block, lines: string[], found: Expectation[]): string[] {
  const owned = new Set(found.flatMap((e) => e.commentLines));
  return lines.flatMap((line, i) =>
    OUTPUT_LINE.test(line) && !owned.has(i)
      ? [
          `${where(block, i)}: a \`// →\` output line with no console.log right above it: put it ` +
            "under the call that prints it (no other line between), or show a loop's output in a ```text output fence",
        ]
      : [],
  );
}

/** `file:line:column` in the Markdown file for a 0-based line and column of a block. */
export function where(block: Block, line: number, column?: number): string {
  const at = `${block.file}:${block.line + line}`;
  return column === undefined ? at : `${at}:${column + 1 + block.indent}`;
}

/** The module file of a block, inside `dir`. */
export function moduleName(block: Block): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.${block.lang}`;
}

/** The compiler options the examples use (tsconfig.base.json, Node's types), for checking only. */
function compilerOptions(root: string): ts.CompilerOptions {
  const path = join(root, 'tsconfig.base.json');
  const config = ts.readConfigFile(path, ts.sys.readFile);
  if (config.error)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    types: ['node'],
    noEmit: true,
    declaration: false,
    declarationMap: false,
    composite: false,
    // a block without imports is still a module of its own, not a script sharing globals
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

/** Type errors of the blocks, with their places in the Markdown files. */
export function typeErrors(blocks: Block[], dir: string, root = repo): string[] {
  const byPath = new Map(blocks.map((b) => [join(dir, moduleName(b)), b]));
  const program = ts.createProgram([...byPath.keys()], compilerOptions(root));
  const problems: string[] = [];
  // only the blocks' own diagnostics: the package sources are checked by `tsc -b`, and checking
  // them again here would take most of the time
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...[...byPath.keys()].flatMap((path) => {
      const file = program.getSourceFile(path);
      if (!file) throw new Error(`the snippet module ${path} is missing from the Program`);
      return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    }),
  ];
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const block = d.file ? byPath.get(d.file.fileName) : undefined;
    if (d.file && block && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      problems.push(`${where(block, line, character)}: TS${d.code}: ${message}`);
    } else {
      // an error outside the blocks (a package source, the options) still fails the check
      const at = d.file ? relative(root, d.file.fileName) : 'compiler options';
      problems.push(`${at}: TS${d.code}: ${message}`);
    }
  }
  return problems;
}

/** Writes each block as a module of `dir` (emptied first), so imports resolve like the examples'. */
export function writeModules(blocks: Block[], dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const b of blocks) writeFileSync(join(dir, moduleName(b)), b.code);
}

/** One console.log call seen while a block ran: the text it printed and the module line it ran on. */
export interface Printed {
  text: string;
  line: number | undefined;
}

/** Imports a block's module with console.log captured; each call's line comes from its stack. */
async function run(path: string): Promise<{ printed: Printed[]; error?: unknown }> {
  const printed: Printed[] = [];
  const original = console.log;
  const frame = new RegExp(`${escapeRegExp(path)}(?:\\?[^:]*)?:(\\d+):\\d+`);
  console.log = (...args: unknown[]) => {
    const at = frame.exec(new Error().stack ?? '');
    printed.push({
      text: formatWithOptions({ colors: false }, ...args),
      line: at ? Number(at[1]) - 1 : undefined,
    });
  };
  try {
    await import(path);
    return { printed };
  } catch (error) {
    return { printed, error };
  } finally {
    console.log = original;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A block's uncaught error, at the block's line it came from (else the block's first line). */
function thrown(block: Block, path: string, error: unknown): string {
  if (!(error instanceof Error)) return `${where(block, 0)}: the block threw ${String(error)}`;
  const frame = new RegExp(`${escapeRegExp(path)}(?:\\?[^:]*)?:(\\d+):(\\d+)`).exec(
    error.stack ?? '',
  );
  const at = frame ? where(block, Number(frame[1]) - 1, Number(frame[2]) - 1) : where(block, 0);
  return `${at}: the block threw ${error.name}: ${error.message}`;
}

/** Compares what a block printed with its `// →` comments. */
export function compare(block: Block, found: Expectation[], printed: Printed[]): string[] {
  const problems: string[] = [];
  for (const e of found) {
    const calls = printed.filter(
      (p) => p.line !== undefined && p.line >= e.startLine && p.line <= e.endLine,
    );
    const at = where(block, e.endLine);
    if (calls.length === 0)
      problems.push(`${at}: this console.log did not run, so its \`// →\` output is unchecked`);
    else if (calls.length > 1)
      problems.push(
        `${at}: this console.log ran ${calls.length} times; a \`// →\` line must print once`,
      );
    else if (e.commentLines.length === 1 && calls[0].text !== e.expected)
      problems.push(
        `${at}: printed\n    ${calls[0].text}\n  but the comment says\n    ${e.expected}`,
      );
    else if (e.commentLines.length > 1)
      problems.push(
        ...compareLines(
          calls[0].text,
          e.expected,
          (i) => where(block, e.commentLines[i]),
          'comment',
        ),
      );
  }
  return problems;
}

/**
 * Compares printed lines with the lines a page shows, without trailing spaces: the first line that
 * differs, at `at(i)`, or the line count. Empty when they agree.
 */
export function compareLines(
  printed: string,
  shown: string,
  at: (line: number) => string,
  what: string,
): string[] {
  const got = visibleLines(printed);
  const want = visibleLines(shown);
  const i = got.findIndex((line, n) => line !== want[n]);
  if (i >= 0 && i < want.length)
    return [`${at(i)}: printed\n    ${got[i]}\n  but the ${what} says\n    ${want[i]}`];
  if (got.length !== want.length) {
    const last = Math.min(got.length, want.length);
    return [
      `${at(Math.max(0, Math.min(last, want.length - 1)))}: printed ${got.length} lines but the ${what} shows ${want.length}` +
        (got.length > want.length ? `; the next printed line is\n    ${got[want.length]}` : ''),
    ];
  }
  return [];
}

/** The lines of a text as a page shows them: no trailing spaces, no blank lines at the end. */
function visibleLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** A ```text output fence: its first content line (1-based, in the Markdown file) and its text. */
export interface OutputFence {
  line: number;
  text: string;
}

/**
 * Finds the output fences (```text output, or any language with the `output` flag) of one Markdown
 * text and hands each to the block of `blocks` that is the fence just above it. Returns the
 * fences that show no block's output: after a no-run fragment, after a non-ts fence, or a second one.
 */
export function attachOutputs(blocks: Block[], file: string, markdown: string): string[] {
  const lines = markdown.split('\n');
  const byLine = new Map(blocks.map((b) => [b.line, b]));
  const problems: string[] = [];
  let previous: Block | undefined;
  for (let i = 0; i < lines.length; i++) {
    const fence = fenceAt(lines, i);
    if (!fence) continue;
    const { spaces, info, end } = fence;
    if (info.trim().split(/\s+/).slice(1).includes('output')) {
      const at = `${file}:${i + 1}`;
      if (!previous)
        problems.push(
          `${at}: an output fence must come right after the ts block it shows the output of`,
        );
      else if (previous.noRun)
        problems.push(`${at}: an output fence after a no-run block: nothing runs to print it`);
      else if (previous.output)
        problems.push(
          `${at}: a second output fence for the block of line ${previous.line}: show all it prints in one`,
        );
      else {
        const body = lines
          .slice(i + 1, end)
          .map((l) => l.slice(Math.min(spaces.length, leading(l))));
        previous.output = { line: i + 2, text: body.join('\n') };
      }
      previous = undefined;
    } else previous = byLine.get(i + 2);
    i = end;
  }
  return problems;
}

/** Compares what a block printed, other than its `// →` calls, with its output fence. */
export function compareOutput(block: Block, found: Expectation[], printed: Printed[]): string[] {
  if (!block.output) return [];
  const { line, text } = block.output;
  const shownInline = (p: Printed) =>
    p.line !== undefined && found.some((e) => p.line! >= e.startLine && p.line! <= e.endLine);
  const rest = printed.filter((p) => !shownInline(p)).map((p) => p.text);
  const at = (i: number) => `${block.file}:${line + i}`;
  if (rest.length === 0) return [`${at(-1)}: the block above printed nothing for its output fence`];
  return compareLines(rest.join('\n'), text, at, 'output fence');
}

/**
 * Checks the ```ts blocks of `files` (Markdown texts by name): type errors (unless `typecheck` is
 * false: the repository's test type-checks in a file of its own, in parallel), output comments,
 * and each runnable block run in document order. `fresh`, if given, runs before each block so that
 * it starts from fresh package modules, as a reader's program would (vitest's vi.resetModules):
 * else a block sees what earlier blocks left in a registry, such as an activation they registered.
 * Returns the problems and the counts.
 */
export async function checkMarkdown(
  files: { file: string; text: string }[],
  dir: string,
  {
    typecheck = true,
    root = repo,
    fresh,
  }: { typecheck?: boolean; root?: string; fresh?: () => unknown } = {},
): Promise<{ problems: string[]; counts: Counts; timings: { block: string; ms: number }[] }> {
  const fences: string[] = [];
  const blocks = files.flatMap(({ file, text }) => {
    const found = extractBlocks(file, text);
    fences.push(...attachOutputs(found, file, text));
    return found;
  });
  return checkBlocks(blocks, dir, { typecheck, root, fresh, fences });
}

/** Checks blocks (of Markdown files or doc comments) as `checkMarkdown` does. */
export async function checkBlocks(
  blocks: Block[],
  dir: string,
  {
    typecheck = true,
    root = repo,
    fresh,
    fences = [],
  }: {
    typecheck?: boolean;
    root?: string;
    fresh?: () => unknown;
    /** Problems of the output fences found beside the blocks, reported after the type errors. */
    fences?: string[];
  } = {},
): Promise<{ problems: string[]; counts: Counts; timings: { block: string; ms: number }[] }> {
  writeModules(blocks, dir);
  const problems = typecheck
    ? typeErrors(
        blocks.filter((b) => !b.noRun && b.lang === 'ts'),
        dir,
        root,
      )
    : [];
  problems.push(...fences);
  const counts: Counts = { blocks: blocks.length, run: 0, noRun: 0, compared: 0 };
  const timings: { block: string; ms: number }[] = [];
  for (const block of blocks) {
    const { found, problems: comments } = expectations(block);
    problems.push(...comments);
    if (block.noRun) {
      counts.noRun++;
      continue;
    }
    counts.run++;
    counts.compared += found.length + (block.output ? 1 : 0);
    await fresh?.();
    const started = performance.now();
    const path = join(dir, moduleName(block));
    const { printed, error } = await run(path);
    timings.push({ block: where(block, 0), ms: performance.now() - started });
    if (error !== undefined) problems.push(thrown(block, path, error));
    problems.push(...compare(block, found, printed), ...compareOutput(block, found, printed));
  }
  return { problems, counts, timings };
}
