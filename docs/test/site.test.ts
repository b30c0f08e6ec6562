// Looks at the built site as a reader: each page of PAGES opened in headless Chromium from a local
// server, screenshotted, and checked for what a reader would notice (an error page, console
// errors, requests that fail or leave the machine, formulas left as raw TeX, a missing title).
// Run it with `pnpm docs:test` after `pnpm docs:build`.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { base, dist, docs, openBuiltSite, screenshots } from './built-site.js';
import { builtFile, type CheckedPage, PAGES } from './pages.js';
import type { Site } from './serve.js';
import { watch } from './watch.js';

const SITE_TITLE = 'backprop';

// Raw TeX a reader would see if a formula was not rendered: $…$ on one line, $$, or a command.
const RAW_TEX = [/\$\$/, /\$[^$\s][^$\n]*\$/, /\\(frac|partial|sum|cdot|sigma|mathrm|begin)\b/];
// An inline formula in the visible text, and one set off from its bracket or punctuation by a
// space: "( k = 1 )" where the Markdown says ($k = 1$), a renderer's whitespace around its output.
const FORMULA = '⟨formula⟩';
const SPACED_FORMULA = /[([{] ⟨formula⟩|⟨formula⟩ [)\]},.;:]/;

let site: Site | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  ({ site, browser } = await openBuiltSite());
}, 60_000);

// Runs even when beforeAll or a check failed: nothing is left running.
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it.each(PAGES)(
  '$name page: opens without errors, with its formulas rendered and its title',
  async (checked) => {
    const file = builtFile(checked.route);
    expect(
      existsSync(join(dist, file)),
      `page '${checked.name}' (${base}${checked.route}) is not in the built site: no ${relative(dirname(docs), join(dist, file))}`,
    ).toBe(true);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems = watch(page, site!.url);
      const response = await page.goto(site!.url + checked.route, { waitUntil: 'networkidle' });
      if (response?.status() !== 200) problems.push(`HTTP status ${response?.status()}, not 200`);
      const shot = join(screenshots, `${checked.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${relative(process.cwd(), shot)}`);
      problems.push(...(await readerChecks(page, checked)));
      expect(problems, `${base}${checked.route}`).toEqual([]);
    } finally {
      await context.close();
    }
  },
  60_000,
);

/** What a reader sees: the title, the formulas, and no TeX left as text. */
async function readerChecks(page: Page, checked: CheckedPage): Promise<string[]> {
  const problems: string[] = [];
  const title = await page.title();
  const heading = await page
    .locator('h1')
    .first()
    .textContent({ timeout: 5_000 })
    .catch(() => null);
  if (!heading?.trim()) problems.push('no h1 heading');
  // The home page may carry the site's name alone; any other page names itself first.
  const pageTitle =
    checked.route === '' ? title : title.replace(new RegExp(` \\| ${SITE_TITLE}$`), '');
  if (
    !title.includes(SITE_TITLE) ||
    !pageTitle.trim() ||
    (checked.route !== '' && pageTitle === title)
  ) {
    problems.push(`title '${title}': expected '<page> | ${SITE_TITLE}'`);
  }
  const math = page.locator('mjx-container');
  const formulas = await math.count();
  if (checked.math) {
    if (formulas === 0) problems.push('no rendered formula (mjx-container) on a page with math');
    else if (!(await math.first().isVisible())) problems.push('the first formula is not visible');
  }
  // MathJax keeps a MathML copy of each formula for screen readers; without its stylesheet the
  // copy takes space beside the drawing (a gap in the line, a blank block under a formula).
  const spread = await page.$$eval(
    'mjx-assistive-mml',
    (copies) => copies.filter((copy) => getComputedStyle(copy).position === 'static').length,
  );
  if (spread > 0) {
    problems.push(
      `${spread} of ${formulas} formulas lay out their hidden MathML copy: MathJax's stylesheet did not apply`,
    );
  }
  for (const line of await visibleText(page)) {
    for (const tex of RAW_TEX) {
      const found = tex.exec(line);
      if (found) problems.push(`raw TeX ${JSON.stringify(found[0])} in: ${line.slice(0, 160)}`);
    }
    const spaced = SPACED_FORMULA.exec(line);
    if (spaced) {
      const at = Math.max(0, spaced.index - 40);
      problems.push(
        `a space between a formula and "${spaced[0].replace(FORMULA, '').trim()}": …${line.slice(at, spaced.index + 40)}…`,
      );
    }
  }
  console.log(`${base}${checked.route}: title '${title}', ${formulas} formulas`);
  return problems;
}

/**
 * The page's visible text, line by line, without code and listings, and with each inline formula
 * as FORMULA (display formulas left out). It replaces the formulas: call it last.
 */
async function visibleText(page: Page): Promise<string[]> {
  const text = await page.evaluate((marker) => {
    const hide = document.createElement('style');
    hide.textContent = 'code, pre { display: none !important; }';
    document.head.append(hide);
    for (const formula of document.querySelectorAll('mjx-container')) {
      formula.replaceWith(formula.getAttribute('display') === 'true' ? '' : marker);
    }
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what a reader sees
    const shown = document.body.innerText;
    hide.remove();
    return shown;
  }, FORMULA);
  return text.split('\n').filter((line) => line.trim() !== '');
}
