// The built site (docs/.vitepress/dist) served on 127.0.0.1 and Debian's Chromium started through
// playwright-core: what each browser check opens before its pages. Build first: `pnpm docs:build`.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { type Site, serveSite, siteBase } from './serve.js';

/** The docs folder. */
export const docs = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where `pnpm docs:build` writes the site. */
export const dist = join(docs, '.vitepress', 'dist');
/** Where the checks save their screenshots (for the note). */
export const screenshots = join(docs, '.screenshots');
/** The base path the site is served below. */
export const base = siteBase();

/**
 * Serves the built site and starts Chromium; throws a sentence when there is no site or it was
 * built for another base path. Close both in afterAll, which runs even when this throws.
 */
export async function openBuiltSite(): Promise<{ site: Site; browser: Browser }> {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`no built site in ${dist}: run \`pnpm docs:build\` first`);
  }
  // A site built for another base loads none of its assets; say so instead of a page of 404s.
  const home = readFileSync(join(dist, 'index.html'), 'utf8');
  if (!home.includes(`"${base}assets/`)) {
    throw new Error(
      `${dist} was not built for the base path ${base} (DOCS_BASE=${process.env.DOCS_BASE ?? ''}): build it with the same DOCS_BASE`,
    );
  }
  const site = await serveSite(dist, base);
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(screenshots, { recursive: true });
    return { site, browser };
  } catch (error) {
    await site.close();
    throw error;
  }
}
