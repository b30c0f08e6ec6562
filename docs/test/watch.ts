// What a reader would notice going wrong while a page runs: console errors, page errors, failed
// requests and requests that leave the machine (refused). Shared by the site's browser checks.
import type { Page } from 'playwright-core';

/** Collects, while the page loads, console errors, page errors and failed or off-site requests. */
export function watch(page: Page, local: string): string[] {
  const problems: string[] = [];
  const origin = new URL(local).origin;
  // Nothing may leave the machine: such a request is refused and reported.
  void page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort('blockedbyclient');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin !== origin) return; // reported above
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}
