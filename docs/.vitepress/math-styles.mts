// markdown-it-mathjax3 5 writes a <style> block before every formula. Vue leaves <style> out of the
// client's render of a page, so each one is a hydration mismatch (the page re-renders and the
// formulas lose that CSS anyway). This drops them; theme/math.css holds the few rules we need, once.
import type { MarkdownRenderer } from 'vitepress';

const STYLE_BLOCK = /<style>[\s\S]*?<\/style>/g;

export function mathWithoutStyleTags(md: MarkdownRenderer): void {
  for (const rule of ['math_inline', 'math_block']) {
    const render = md.renderer.rules[rule];
    if (render === undefined) {
      throw new Error(`math: no markdown-it rule '${rule}'; is markdown.math on?`);
    }
    md.renderer.rules[rule] = (...args) => render(...args).replace(STYLE_BLOCK, '');
  }
}
