// The playground page in headless Chromium, from the built site: build the lecture's 2–3–1
// sigmoid network with the controls, train it and see the loss fall, click a weight and hold the
// slide's formula to autodiff (1e-12), open the shared link, feed it a bad CSV and a diverging
// network, export the model and a plot, and measure the training speed in the browser.
// Run it with `pnpm docs:test` after `pnpm docs:build`; screenshots go to docs/.screenshots/.
import { join, relative } from 'node:path';
import { fromJSON } from '@backprop/layers';
import { DEFAULT_CONFIG } from '@backprop/playground';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openBuiltSite, screenshots } from './built-site.js';
import type { Site } from './serve.js';
import { watch } from './watch.js';

let site: Site | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  ({ site, browser } = await openBuiltSite());
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});

/** Opens the playground at `query`, watching for problems; resolves once the network is built. */
async function open(query = '', built = true): Promise<{ page: Page; problems: string[] }> {
  const page = await context!.newPage();
  const problems = watch(page, site!.url);
  await page.goto(`${site!.url}playground${query}`);
  if (built) await ready(page);
  else await page.waitForSelector('.pg');
  return { page, problems };
}

/** Waits until the worker has answered the latest init. */
async function ready(page: Page): Promise<void> {
  await page.waitForSelector('.pg[data-ready="true"]', { timeout: 20_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  const path = join(screenshots, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0)); // else the fixed header lands mid-page
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${relative(process.cwd(), path)}`);
}

const status = (page: Page, name: string) =>
  page.locator('.pg-status').getAttribute(`data-${name}`).then(Number);

/** Waits until the page shows at least `steps` steps done. */
async function stepsDone(page: Page, steps: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector('.pg-status')?.getAttribute('data-step')) >= n,
    steps,
    { timeout: 20_000 },
  );
}

/** The numbers of the inspection panel, as the page wrote them (full precision). */
async function inspected(page: Page): Promise<Record<string, string | null>> {
  const panel = page.locator('[data-inspection]');
  await panel.waitFor();
  const read = (name: string) => panel.getAttribute(`data-${name}`);
  return {
    kind: await read('inspection'),
    slide: await read('slide'),
    autodiff: await read('autodiff'),
    page: await read('page'),
  };
}

it('builds the 2–3–1 sigmoid network with the controls, trains it, and the slide agrees with autodiff', async () => {
  // start from another setup, so that every control below has to change something
  const { page, problems } = await open(
    '?dataset=circles&hidden=5:relu,4:tanh&output=linear&lr=0.05',
  );
  await page.selectOption('select[name="dataset"]', 'xor');
  await page.click('button[name="remove-layer"]');
  await page.fill('input[name="size-1"]', '3');
  await page.selectOption('select[name="activation-1"]', 'sigmoid');
  // minibatch SGD: 300 of the lecture's per-sample steps wander on XOR's plateau before they descend
  await page.fill('input[name="lr"]', '1');
  await page.fill('input[name="batch"]', '10');
  await page.waitForFunction(() => location.search.includes('batch=10'));
  await ready(page);
  const query = new URL(page.url()).search;
  expect(query).toContain('dataset=xor');
  expect(query).toContain('lr=1&batch=10');
  // the drawing: 2 inputs + bias, 3 hidden + bias, 1 output; 3·3 + 4·1 weights
  expect(await page.locator('[data-weight]').count()).toBe(13);
  await shot(page, 'playground-2-3-1');

  // 300 steps, 100 a click
  await page.selectOption('select[name="step-size"]', '100');
  for (const done of [100, 200, 300]) {
    await page.click('button[name="step"]');
    await stepsDone(page, done);
  }
  const first = await status(page, 'first-loss');
  const last = await status(page, 'last-loss');
  const steps = await status(page, 'step');
  console.log(`2–3–1 sigmoid on XOR: mean E ${first} → ${last} after ${steps} steps`);
  expect(steps).toBe(300);
  expect(last).toBeLessThan(0.8 * first);

  // p. 14: a weight into the hidden layer, w⁽⁰⁾₁,₂. The lines cross at their middles, where a
  // pointer click lands on whichever is on top: the click event goes to the weight's own line.
  await page.dispatchEvent('[data-weight="0,1,2"]', 'click');
  const hidden = await inspected(page);
  expect(hidden).toMatchObject({ kind: 'weight', page: '14' });
  expect(Math.abs(Number(hidden.slide) - Number(hidden.autodiff))).toBeLessThanOrEqual(1e-12);
  expect(Number(hidden.autodiff)).not.toBe(0);
  await expect.poll(() => page.locator('.pg-formula mjx-container').count()).toBe(2);
  // p. 11: an output weight, w⁽¹⁾₂
  await page.dispatchEvent('[data-weight="1,2,1"]', 'click');
  await page.waitForSelector('[data-inspection][data-page="11"]');
  const output = await inspected(page);
  expect(Math.abs(Number(output.slide) - Number(output.autodiff))).toBeLessThanOrEqual(1e-12);
  console.log(`∂E/∂w⁽⁰⁾₁,₂: slide ${hidden.slide}, autodiff ${hidden.autodiff}`);
  console.log(`∂E/∂w⁽¹⁾₂:  slide ${output.slide}, autodiff ${output.autodiff}`);
  await shot(page, 'playground-weight');

  // a hidden neuron: ∂E/∂a⁽¹⁾₂
  await page.click('[data-neuron="1,2"]');
  await page.waitForSelector('[data-inspection="neuron"]');
  expect(
    Number.isFinite(Number(await page.getAttribute('[data-inspection]', 'data-autodiff'))),
  ).toBe(true);

  // the computation graph, drawn by Mermaid
  await page.click('button[name="graph"]');
  await page.waitForSelector('.pg-graph-drawing svg', { timeout: 20_000 });
  await shot(page, 'playground-graph');

  // the model as JSON, loadable by fromJSON, and a plot as SVG
  const [model] = await Promise.all([
    page.waitForEvent('download'),
    page.click('button[name="export"]'),
  ]);
  const loaded = fromJSON(JSON.parse(await readDownload(model)));
  expect(loaded.parameters().length).toBeGreaterThan(0);
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-plot="loss"] button'),
  ]);
  expect(await readDownload(svg)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

  // the shared link opens the same setup in the controls
  const shared = await open(query);
  expect(await shared.page.inputValue('select[name="dataset"]')).toBe('xor');
  expect(await shared.page.textContent('output[name="layers"]')).toBe('1');
  expect(await shared.page.inputValue('input[name="size-1"]')).toBe('3');
  expect(await shared.page.inputValue('select[name="activation-1"]')).toBe('sigmoid');
  expect(await shared.page.inputValue('select[name="output"]')).toBe('linear');
  expect(await shared.page.inputValue('input[name="lr"]')).toBe('1');
  expect(await shared.page.inputValue('input[name="batch"]')).toBe('10');
  expect(new URL(shared.page.url()).search).toBe(query);
  expect(await shared.page.locator('[data-url-problems]').count()).toBe(0);
  await shared.page.close();

  // a link with a bad parameter still opens, says what it did not use, and keeps the rest
  const edited = await open(`${query.replace('lr=1', 'lr=fast')}&colour=blue`);
  const said = await edited.page.textContent('[data-url-problems]');
  expect(said).toContain(`lr=fast: lr: expected a number`);
  expect(said).toContain(`using the default ${DEFAULT_CONFIG.lr}`);
  expect(said).toMatch(/unknown parameter 'colour'/);
  expect(await edited.page.inputValue('input[name="lr"]')).toBe(String(DEFAULT_CONFIG.lr));
  expect(await edited.page.inputValue('input[name="batch"]')).toBe('10');
  await edited.page.close();

  expect([...problems, ...shared.problems, ...edited.problems]).toEqual([]);
  await page.close();
}, 90_000);

async function readDownload(download: import('playwright-core').Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

it('trains on a dropped CSV; shows a message for a CSV with a text cell, an empty CSV, and a diverging network', async () => {
  const { page, problems } = await open('?dataset=csv', false);
  await expect.poll(() => page.textContent('[data-message]')).toMatch(/CSV file/);
  // a good file dropped onto the page trains: 3 inputs, a numeric target
  const rows = Array.from({ length: 30 }, (_, n) => `${n},${n % 7},${(n * 3) % 11},${n % 5}`);
  const dropped = await page.evaluateHandle(
    (text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      return transfer;
    },
    ['a,b,c,y', ...rows].join('\n'),
  );
  await page.dispatchEvent('.pg-drop', 'drop', { dataTransfer: dropped });
  await ready(page);
  expect(await page.textContent('.pg-drop')).toContain('dropped.csv');
  const sizes = [3, ...DEFAULT_CONFIG.hidden.map((h) => h.size), 1];
  const weights = sizes.slice(1).reduce((sum, m, j) => sum + ((sizes[j] as number) + 1) * m, 0);
  expect(await page.locator('[data-weight]').count()).toBe(weights); // with the bias rows
  expect(await page.locator('[data-message]').count()).toBe(0);
  await page.setInputFiles('input[name="csv"]', {
    name: 'text-cell.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('a,b,y\n1,2,3\n4,oops,6\n7,8,9\n'),
  });
  await expect.poll(() => page.textContent('[data-message]')).toMatch(/line 3, column 'b'/);
  expect((await page.textContent('[data-message]'))?.match(/line 3/g)).toHaveLength(1);
  console.log(`text cell: ${await page.textContent('[data-message]')}`);
  await shot(page, 'playground-csv-error');
  await page.setInputFiles('input[name="csv"]', {
    name: 'empty.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(''),
  });
  await expect.poll(() => page.textContent('[data-message]')).toMatch(/empty/i);
  console.log(`empty file: ${await page.textContent('[data-message]')}`);

  const diverging = await open('?dataset=gaussian&samples=100&hidden=16:relu,16:relu&lr=10');
  await diverging.page.click('button[name="start"]');
  await expect
    .poll(() => diverging.page.textContent('[data-message]').catch(() => null), { timeout: 20_000 })
    .toMatch(/diverged/);
  console.log(`diverged: ${await diverging.page.textContent('[data-message]')}`);
  // the page is not frozen: the buttons answer
  await diverging.page.waitForSelector('button[name="start"]');
  await diverging.page.click('button[name="reset"]');
  await ready(diverging.page);

  // errors from the worker are shown on the page, not thrown into the console
  expect([...problems, ...diverging.problems]).toEqual([]);
  await page.close();
  await diverging.page.close();
}, 60_000);

it("opens the diabetes data with its yy-plot, and a softmax network without the slides' formula", async () => {
  const diabetes = await open('?dataset=diabetes&hidden=4:sigmoid&batch=10');
  expect(await diabetes.page.locator('[data-weight]').count()).toBe(11 * 4 + 5); // 10 inputs + bias
  await diabetes.page.click('button[name="step"]');
  await stepsDone(diabetes.page, 1);
  await diabetes.page.waitForSelector('[data-plot="yy-plot"] svg');
  await diabetes.page.dispatchEvent('[data-weight="0,10,4"]', 'click');
  const weight = await inspected(diabetes.page);
  expect(weight.page).toBe('14');
  expect(Math.abs(Number(weight.slide) - Number(weight.autodiff))).toBeLessThanOrEqual(1e-12);
  await shot(diabetes.page, 'playground-diabetes');

  // softmax with cross-entropy is not the slides' network: the page says so instead of a formula
  const softmax = await open('?dataset=spirals&hidden=8:tanh,8:tanh&output=softmax');
  await softmax.page.dispatchEvent('[data-weight="2,1,2"]', 'click');
  const panel = softmax.page.locator('[data-inspection="weight"]');
  await panel.waitFor();
  expect(await panel.getAttribute('data-slide')).toBeNull();
  expect(await panel.textContent()).toMatch(/do not cover this network: .*softmax/);
  expect([...diabetes.problems, ...softmax.problems]).toEqual([]);
  await diabetes.page.close();
  await softmax.page.close();
}, 60_000);

it('measures the training speed in the browser (2–3–1, and 2–8–8–1 on 200 samples)', async () => {
  for (const hidden of ['3:sigmoid', '8:sigmoid,8:sigmoid']) {
    const { page, problems } = await open(`?dataset=xor&samples=200&hidden=${hidden}&batch=1`);
    await page.click('button[name="start"]');
    await stepsDone(page, 1);
    const t0 = Date.now();
    const s0 = await status(page, 'step');
    await page.waitForTimeout(3000);
    const s1 = await status(page, 'step');
    const wall = ((s1 - s0) * 1000) / (Date.now() - t0);
    const worker = await status(page, 'steps-per-second');
    await page.click('button[name="pause"]');
    const name = `2–${hidden.replace(/:sigmoid/g, '').replace(',', '–')}–1`;
    await shot(page, `playground-${name.replace(/–/g, '-')}-trained`);
    console.log(
      `${name} sigmoid, 200 samples, batch 1: ${Math.round(wall)} steps/s counted by the page over 3 s (the worker's figure for its last chunk: ${Math.round(worker)})`,
    );
    expect(wall).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  }
}, 60_000);
