// A markdown-it plugin: a `<<< file#region` include whose region is missing fails the build.
// VitePress would otherwise include the whole file without a word.
import { readFileSync } from 'node:fs';
import type { MarkdownRenderer } from 'vitepress';

/** True when `lines` hold `// #region name` and, after it, `// #endregion name`. */
export function hasRegion(source: string, name: string): boolean {
  const lines = source.split(/\r?\n/).map((line) => line.trim());
  const start = lines.indexOf(`// #region ${name}`);
  return start !== -1 && lines.indexOf(`// #endregion ${name}`, start + 1) !== -1;
}

export function snippetRegions(md: MarkdownRenderer): void {
  md.core.ruler.push('backprop_snippet_regions', (state) => {
    for (const token of state.tokens) {
      // VitePress's snippet rule stores [file, region] on the fence token it makes for `<<<`.
      const [file, region] = ((token as { src?: unknown }).src ?? []) as [string?, string?];
      if (typeof file !== 'string' || !region) continue;
      if (!hasRegion(readFileSync(file, 'utf8'), region)) {
        throw new Error(
          `${state.env?.relativePath ?? 'a page'}: <<< ${file}#${region}: no '// #region ${region}' … '// #endregion ${region}' pair in that file`,
        );
      }
    }
  });
}
