// The snippet checker: every ```ts block of the Markdown docs is type-checked (one TypeScript
// Program for all of them) and run as a module, and each `console.log(…); // → text` must print
// exactly `text`. Problems name the Markdown file and its line, so a reader's fix starts there.
//
// The `@example` blocks of the packages' doc comments (packages/*/src, tests aside) are checked
// the same way, named by their source file and line. An example is code as it is, with no fence:
// TypeDoc shows all of it, to the next tag, as one ts block, so prose belongs above the tag. (With
// a ```ts fence TypeDoc reads the tag as Markdown, its first line the title; then the fenced
// blocks are checked, and a fragment that cannot run is the rare ```ts no-run.) An example with no
// import statement is given `import { … } from '<entry>'` for every public name it uses and does
// not declare, read from the entries' export lists (its own package first), so no list is kept
// by hand; one with an import statement imports everything itself. A value is shown as in the
// Markdown, `console.log(expr); // → printed text`, with an explanation on its own line above.
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
}

/** A `console.log(…); // → text` of a block: the lines its call spans (0-based) and the text. */
export interface Expectation {
  startLine: number;
  endLine: number;
  expected: string;
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

/** The ```ts and ```js blocks of one Markdown text, in document order. */
export function extractBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, spaces, fence, info] = open;
    const closing = new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end])) end++;
    // the language is the info string's first word; VitePress adds {1,3} or :line-numbers to it
    const [lang = '', ...flags] = info.trim().split(/\s+/);
    const js = /^(js|javascript)\b/.test(lang);
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
      if (comment) {
        const text = comment[1];
        if (text.startsWith('→')) {
          found.push({
            startLine: start.line,
            endLine: end.line,
            expected: text.slice(1).replace(/^ /, ''),
          });
        } else {
          problems.push(
            `${where(block, end.line, end.character)}: console.log with a trailing comment that is not its output ` +
              `(// ${text}): write the printed text as \`// → text\`, or move the comment to its own line`,
          );
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { found, problems };
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
interface Printed {
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
    else if (calls[0].text !== e.expected)
      problems.push(
        `${at}: printed\n    ${calls[0].text}\n  but the comment says\n    ${e.expected}`,
      );
  }
  return problems;
}

/**
 * Checks the ```ts blocks of `files` (Markdown texts by name): type errors (unless `typecheck` is
 * false: the repository's test type-checks in a file of its own, in parallel), output comments,
 * and each runnable block run in document order. Returns the problems and the counts.
 */
export async function checkMarkdown(
  files: { file: string; text: string }[],
  dir: string,
  { typecheck = true, root = repo } = {},
): Promise<{ problems: string[]; counts: Counts; timings: { block: string; ms: number }[] }> {
  const blocks = files.flatMap(({ file, text }) => extractBlocks(file, text));
  return checkBlocks(blocks, dir, { typecheck, root });
}

/** Checks blocks (of Markdown files or doc comments) as `checkMarkdown` does. */
export async function checkBlocks(
  blocks: Block[],
  dir: string,
  { typecheck = true, root = repo } = {},
): Promise<{ problems: string[]; counts: Counts; timings: { block: string; ms: number }[] }> {
  writeModules(blocks, dir);
  const problems = typecheck
    ? typeErrors(
        blocks.filter((b) => !b.noRun && b.lang === 'ts'),
        dir,
        root,
      )
    : [];
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
    counts.compared += found.length;
    const started = performance.now();
    const path = join(dir, moduleName(block));
    const { printed, error } = await run(path);
    timings.push({ block: where(block, 0), ms: performance.now() - started });
    if (error !== undefined) problems.push(thrown(block, path, error));
    problems.push(...compare(block, found, printed));
  }
  return { problems, counts, timings };
}

// ---------------------------------------------------------------- the doc comments' @example blocks

/** The packages' source files (tests and declarations aside), in a stable order. */
export function sourceFiles(root = repo): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return /(?<!\.test|\.d)\.ts$/.test(entry.name) ? [path] : [];
    });
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'src')))
    .flatMap((d) => walk(`packages/${d.name}/src`))
    .sort();
}

/**
 * The `@example` blocks of one source file's doc comments, read with the compiler's JSDoc parser.
 * TypeDoc shows an example without a fence as one ts code block (all of it, to the next tag), and
 * one with a fence as Markdown (its first line the example's title): so the former is one block,
 * the latter gives its fenced ```ts blocks.
 */
export function extractExamples(file: string, source: string): Block[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const blocks: Block[] = [];
  const seen = new Set<ts.Node>();
  const visit = (node: ts.Node) => {
    // the JSDoc parser is slow on every node: ask it only where the leading trivia has an example
    const trivia = source.slice(node.pos, node.getStart(sf));
    const docs = trivia.includes('@example') ? ts.getJSDocCommentsAndTags(node) : [];
    for (const doc of docs) {
      if (!ts.isJSDoc(doc) || seen.has(doc)) continue;
      seen.add(doc);
      for (const tag of doc.tags ?? []) {
        if (tag.tagName.text !== 'example') continue;
        const start = tag.tagName.end;
        const at = sf.getLineAndCharacterOfPosition(start);
        // a comment line is `  * code`: the prefix goes, as TypeDoc strips it
        const [first, ...rest] = source.slice(start, tag.end).split('\n');
        const prefix = /^\s*\*(?: |$)/;
        const indent = rest.map((l) => prefix.exec(l)?.[0].length ?? 0).find((n) => n > 0) ?? 0;
        const lines = [first.replace(/^ /, ''), ...rest.map((l) => l.replace(prefix, ''))];
        const text = lines.join('\n').replace(/\s*$/, '\n');
        if (/^\s*(`{3,}|~{3,})/m.test(text)) {
          for (const b of extractBlocks(file, text)) {
            blocks.push({ ...b, line: at.line + b.line, indent: indent + b.indent });
          }
        } else if (text.trim()) {
          const column = first.startsWith(' ') ? at.character + 1 : indent;
          blocks.push({
            lang: 'ts',
            file,
            line: at.line + (first.trim() ? 1 : 2),
            indent: column,
            code: text.replace(/^\n/, ''),
            noRun: false,
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return blocks;
}

/** Public names of one package entry (`@backprop/core/node`): whether each is a type only. */
interface Entry {
  specifier: string;
  names: Map<string, boolean>;
}

/**
 * The packages' public entries, from their package.json `exports` (the `@backprop/source` file)
 * and the export statements of that file, read without type-checking. The package of `file`
 * comes first, so its own entries win where a name is exported twice.
 */
export function publicEntries(file: string, root = repo): Entry[] {
  const own = /^packages\/([^/]+)\//.exec(file)?.[1];
  const dirs = readdirSync(join(root, 'packages')).filter((d) =>
    existsSync(join(root, 'packages', d, 'package.json')),
  );
  const ordered = [...dirs.filter((d) => d === own), ...dirs.filter((d) => d !== own).sort()];
  return ordered.flatMap((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    return Object.entries(pkg.exports as Record<string, Record<string, string>>).flatMap(
      ([subpath, conditions]) => {
        const path = conditions['@backprop/source'];
        if (typeof path !== 'string') return [];
        const text = readFileSync(join(root, 'packages', dir, path), 'utf8');
        return [{ specifier: pkg.name + subpath.slice(1), names: exportedNames(text) }];
      },
    );
  });
}

/** The names a module exports, each with whether it is a type only. */
function exportedNames(text: string): Map<string, boolean> {
  const sf = ts.createSourceFile('entry.ts', text, ts.ScriptTarget.Latest, false);
  const names = new Map<string, boolean>();
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) names.set(e.name.text, s.isTypeOnly || e.isTypeOnly);
    } else if (
      (ts.isFunctionDeclaration(s) ||
        ts.isClassDeclaration(s) ||
        ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) ||
        ts.isEnumDeclaration(s)) &&
      s.name &&
      s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      names.set(s.name.text, ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s));
    } else if (
      ts.isVariableStatement(s) &&
      s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.set(d.name.text, false);
      }
    }
  }
  return names;
}

/**
 * An example without an import statement gets one import per entry, for every public name it
 * uses and does not declare itself. The imports go after the example's last line (imports are
 * hoisted), so the example's lines and columns stay those of the comment.
 */
export function withImports(block: Block, entries: Entry[]): Block {
  const sf = ts.createSourceFile('example.ts', block.code, ts.ScriptTarget.Latest, true);
  if (sf.statements.some((s) => ts.isImportDeclaration(s))) return block;
  const used = new Set<string>();
  const declared = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node };
      // a name being declared, a member (`x.name`, `{ name: … }`) or a renamed binding's key
      const named =
        parent.propertyName === node ||
        (parent.name === node && !ts.isShorthandPropertyAssignment(parent));
      if (!named) used.add(node.text);
      else if (
        ts.isVariableDeclaration(parent) ||
        ts.isBindingElement(parent) ||
        ts.isParameter(parent) ||
        ts.isFunctionDeclaration(parent) ||
        ts.isClassDeclaration(parent)
      )
        declared.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const taken = new Set<string>();
  const imports = entries.flatMap(({ specifier, names }) => {
    const picked = [...used].filter((n) => names.has(n) && !declared.has(n) && !taken.has(n));
    for (const n of picked) taken.add(n);
    if (picked.length === 0) return [];
    const list = picked.sort().map((n) => (names.get(n) ? `type ${n}` : n));
    return [`import { ${list.join(', ')} } from '${specifier}';`];
  });
  return imports.length ? { ...block, code: `${block.code}${imports.join('\n')}\n` } : block;
}

/** The `@example` blocks of every package source, each with the imports it needs. */
export function docExamples(root = repo): Block[] {
  const entries = new Map<string, Entry[]>(); // by package
  return sourceFiles(root).flatMap((file) => {
    const source = readFileSync(join(root, file), 'utf8');
    if (!source.includes('@example')) return [];
    const pkg = file.split('/')[1];
    if (!entries.has(pkg)) entries.set(pkg, publicEntries(file, root));
    return extractExamples(file, source).map((b) => withImports(b, entries.get(pkg) ?? []));
  });
}
