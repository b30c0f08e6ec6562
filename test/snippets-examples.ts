// The doc comments' `@example` blocks, checked by the snippet checker (snippets.ts) like the
// Markdown blocks.
//
// The `@example` blocks of the packages' doc comments (packages/*/src, tests aside) are checked
// the same way, named by their source file and line. An example is code as it is, with no fence:
// TypeDoc shows all of it, to the next tag, as one ts block, so prose belongs above the tag. (With
// a ```ts fence TypeDoc reads the tag as Markdown, its first line the title; then the fenced
// blocks are checked, and a fragment that cannot run is the rare ```ts no-run.) An example with no
// import statement is given `import { … } from '<entry>'` for every public name it uses and does
// not declare, read from the entries' export lists (its own package first), so no list is kept
// by hand; one with an import statement imports everything itself. A value is shown as in the
// Markdown (the forms below), with an explanation on its own line above.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { type Block, extractBlocks, repo } from './snippets.js';

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
    return Object.entries((pkg.exports ?? {}) as Record<string, Record<string, string>>).flatMap(
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
