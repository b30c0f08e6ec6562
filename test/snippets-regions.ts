// Source listings on the docs pages are VitePress includes, `<<< @/../packages/…/file.ts#name`,
// of the lines between `// #region name` and `// #endregion name`. VitePress includes the whole
// file when the region is missing, and nothing useful when the file is, without a word: these
// checks say so instead.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// the marker form VitePress 1.6 accepts for TypeScript (on the trimmed line)
const MARKER = /^\/\/ ?#?((?:end)?region) ([\w*-]+)$/;

/** The problems of a source file's region markers: each `#region x` closed once, later, by `#endregion x`. */
export function markerProblems(file: string, text: string): string[] {
  const open = new Map<string, number>();
  const closed = new Set<string>();
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = MARKER.exec(line.trim());
    if (!m) return;
    const [, tag, name] = m;
    const at = `${file}:${i + 1}`;
    if (tag === 'region') {
      if (open.has(name) || closed.has(name))
        problems.push(`${at}: a second #region ${name}; region names are unique in a file`);
      else open.set(name, i + 1);
    } else if (!open.has(name)) {
      problems.push(`${at}: #endregion ${name} without a #region ${name} above it`);
    } else {
      open.delete(name);
      closed.add(name);
    }
  });
  for (const [name, line] of open)
    problems.push(`${file}:${line}: #region ${name} is never closed by // #endregion ${name}`);
  return problems;
}

/** The names of the regions of a source text. */
export function regionNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = MARKER.exec(line.trim());
    if (m?.[1] === 'region') names.add(m[2]);
  }
  return names;
}

/** A `<<<` include of a Markdown page: its line, the file it names (absolute) and the region. */
export interface Include {
  line: number;
  path: string;
  region: string | undefined;
}

/** The `<<<` includes of a page (outside code fences); `@` is the docs root, as in VitePress. */
export function includes(page: string, markdown: string, docsRoot: string): Include[] {
  const found: Include[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((line, i) => {
    const f = /^ *(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1];
      else if (f[1].startsWith(fence)) fence = null;
      return;
    }
    const m = fence === null ? /^ {0,3}<<<\s*(.+?)\s*$/.exec(line) : null;
    if (!m) return;
    // VitePress's form: path[#region][ {lines lang attrs}][ [title]]
    const raw = m[1].replace(/\s*\[[^\]]*\]$/, '').replace(/\s*\{[^}]*\}$/, '');
    const [file, region] = raw.split('#');
    const path = file.startsWith('@') ? join(docsRoot, file.slice(1)) : join(dirname(page), file);
    found.push({ line: i + 1, path, region });
  });
  return found;
}

/** Each include of `page` must name an existing file and, if it names one, an existing region. */
export function includeProblems(
  page: string,
  markdown: string,
  docsRoot: string,
  root: string,
): string[] {
  const problems: string[] = [];
  for (const inc of includes(page, markdown, docsRoot)) {
    const at = `${relative(root, page)}:${inc.line}`;
    const shown = relative(root, inc.path);
    if (!existsSync(inc.path)) problems.push(`${at}: <<< names ${shown}, which does not exist`);
    else if (
      inc.region !== undefined &&
      !regionNames(readFileSync(inc.path, 'utf8')).has(inc.region)
    )
      problems.push(
        `${at}: <<< names region ${inc.region} of ${shown}, which has no // #region ${inc.region} ` +
          '(VitePress would include the whole file)',
      );
  }
  return problems;
}

/** The .ts files under `dir` (recursively), node_modules left out. */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.split('/').includes('node_modules'))
    .map((f) => join(dir, f));
}
