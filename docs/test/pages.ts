// The pages `pnpm docs:test` opens in Chromium: one of each kind a reader meets first.

export interface CheckedPage {
  /** The page's address below the site's base, as VitePress links it (clean URLs). */
  route: string;
  /** The screenshot's file name in docs/.screenshots/, without `.png`. */
  name: string;
  /** Whether the page has formulas, so MathJax's output must be on it. */
  math: boolean;
}

export const PAGES: CheckedPage[] = [
  { route: '', name: 'home', math: false },
  // p. 12–15: the slide's gradient formula, the code that computes it and the numbers both give
  { route: 'lecture/one-hidden-layer', name: 'lecture-one-hidden-layer', math: true },
  { route: 'api/@backprop/core/functions/grad', name: 'api-grad', math: false },
  // the playground as it opens (its own checks are in playground.test.ts)
  { route: 'playground', name: 'playground', math: true },
];

/** The HTML file VitePress writes for `route` (relative to docs/.vitepress/dist). */
export function builtFile(route: string): string {
  return route === '' || route.endsWith('/') ? `${route}index.html` : `${route}.html`;
}
