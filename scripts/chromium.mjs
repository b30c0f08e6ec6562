// Debian's Chromium for the browser checks (`pnpm test:release`, `pnpm docs:test`), started through
// playwright-core. Never `playwright install`: it downloads a browser, which fails here.

/** Where Chromium is (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for `chromium.launch({ args })`. Without the background-networking ones Chromium opens
 * outbound connections of its own, which are refused here, many at a time.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
