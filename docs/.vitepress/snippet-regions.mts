// A markdown-it plugin: a `<<< file#region` include whose region is missing fails the build.
// VitePress would otherwise include the whole file without a word. What counts as a region is
// the snippet checks' rule (test/snippets-regions.ts), which npm test applies to every include.
import { readFileSync } from 'node:fs';
import type { MarkdownRenderer } from 'vitepress';
import { regionNames } from '../../test/snippets-regions.js';

export function snippetRegions(md: MarkdownRenderer): void {
  md.core.ruler.push('backprop_snippet_regions', (state) => {
    for (const token of state.tokens) {
      // VitePress's snippet rule stores [file, region] on the fence token it makes for `<<<`.
      const [file, region] = ((token as { src?: unknown }).src ?? []) as [string?, string?];
      if (typeof file !== 'string' || !region) continue;
      if (!regionNames(readFileSync(file, 'utf8')).has(region)) {
        throw new Error(
          `${state.env?.relativePath ?? 'a page'}: <<< ${file}#${region}: no '// #region ${region}' … '// #endregion ${region}' pair in that file`,
        );
      }
    }
  });
}
