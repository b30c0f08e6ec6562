// The real `backprop` binary (build first, as `npm test` does): `train --plots` writes SVG files
// whose numbers match the printed scores, and `gradients` gives the lecture's table for one CSV row,
// with the slides' formulas, autodiff and a central difference agreeing.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { data, runner } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-cli-grad-'));
});

const { run, json } = runner(() => dir);

/** `train` on a shipped data set with --json; `options` as one string, e.g. '--epochs 5 --cv 3'. */
const train = (name: string, target: string, options: string, ...more: string[]) =>
  json('train', data(name), '--target', target, ...options.split(' '), ...more);

async function svg(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  expect(text.startsWith('<svg')).toBe(true);
  expect(text.trimEnd().endsWith('</svg>')).toBe(true);
  return text;
}

/** The r² in a yy-plot's title, as drawn. */
function titleR2(text: string): number {
  const m = /r² = (-?\d+\.\d+)/.exec(text);
  if (!m) throw new Error('no r² in the yy-plot');
  return Number(m[1]);
}

/** The shipped CSV's data rows (no quoted fields), split into cells. */
async function csvRows(name: string): Promise<{ header: string[]; rows: string[][] }> {
  const [header, ...rows] = (await readFile(data(name), 'utf8')).trim().split(/\r?\n/);
  return { header: (header as string).split(','), rows: rows.map((r) => r.split(',')) };
}

describe('train --plots', () => {
  it('regression: yy.svg and loss.svg, the yy-plot titled with the printed r²', async () => {
    const plots = join(dir, 'diabetes', 'plots'); // two levels that do not exist yet
    const args = ['train', data('diabetes'), '--target', 'progression', '--epochs', '20'];
    const result = await json(...args, '--plots', plots);
    expect(result.plots).toEqual([join(plots, 'yy.svg'), join(plots, 'loss.svg')]);
    const yy = await svg(join(plots, 'yy.svg'));
    expect(titleR2(yy)).toBe(Number(result.scores.network.r2.toFixed(3)));
    expect(yy).toContain(`test (${result.split.testRows})`);
    expect(yy).toContain(`training (${result.split.trainRows})`);
    await svg(join(plots, 'loss.svg'));

    // the text output names the files and prints the same r² (four decimals)
    const text = await run(...args, '--plots', plots);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(
      `plots written: ${join(plots, 'yy.svg')}, ${join(plots, 'loss.svg')}`,
    );
    const printed = /network\s+(-?\d\.\d{4})/.exec(text.stdout)?.[1];
    expect(
      Math.abs(Number(printed) - titleR2(await svg(join(plots, 'yy.svg')))),
    ).toBeLessThanOrEqual(0.0005 + 1e-12);
  });

  it('classification: confusion.svg holds the printed confusion matrix’s counts', async () => {
    const plots = join(dir, 'iris-plots');
    const result = await train('iris', 'species', '--epochs 30 --early-stopping --plots', plots);
    expect(result.plots).toEqual([join(plots, 'loss.svg'), join(plots, 'confusion.svg')]);
    const confusion = await svg(join(plots, 'confusion.svg'));
    for (const name of result.classes) expect(confusion).toContain(name);
    // Vega labels each cell with its count: every count of the matrix is drawn
    const drawn = [...confusion.matchAll(/<text[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    const counts = (result.scores.network.confusion as number[][]).flat();
    for (const c of counts) expect(drawn).toContain(c);
    const loss = await svg(join(plots, 'loss.svg'));
    expect(loss).toContain('validation'); // --early-stopping holds out validation rows
  });

  it('--cv writes one set per fold, each yy-plot titled with its fold’s r²', async () => {
    const plots = join(dir, 'cv-plots');
    const result = await train('diabetes', 'progression', '--cv 3 --epochs 5 --plots', plots);
    expect(result.plots).toHaveLength(6);
    for (const [f, fold] of (result.cv.folds as { network: { r2: number } }[]).entries()) {
      const yy = await svg(join(plots, `yy-fold${f + 1}.svg`));
      expect(titleR2(yy)).toBe(Number(fold.network.r2.toFixed(3)));
      expect(yy).toContain(`fold ${f + 1} of 3`);
      await svg(join(plots, `loss-fold${f + 1}.svg`));
    }
  });

  it('a directory that cannot be made is an error before training, exit 1', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory\n');
    for (const plots of [file, join(file, 'plots')]) {
      const started = Date.now();
      const r = await run('train', data('iris'), '--target', 'species', '--plots', plots);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(
        /--plots .*a-file.*: cannot make that directory: it, or a directory above it, is a file/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).not.toContain('test scores'); // nothing was trained
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    expect((await stat(file)).isFile()).toBe(true);
  });
});

describe('gradients', () => {
  let model: string;
  beforeAll(async () => {
    model = join(dir, 'diabetes-k2.json');
    await train('diabetes', 'progression', '--hidden 4,3 --epochs 10 --out', model);
  });

  it('diabetes, row 3 (1-based): slides, autodiff and central difference agree for every weight', async () => {
    const r = await json('gradients', model, data('diabetes'), '--row', '3');
    expect(r.row).toBe(3);
    expect(r.slides).toEqual({ covered: true });
    // 10 → 4 → 3 → 1: (10 + 1)·4 + (4 + 1)·3 + (3 + 1)·1 weights
    expect(r.weights).toHaveLength(44 + 15 + 4);
    // the row is the file's third data row, scaled with the saved scalers
    const csv = await csvRows('diabetes');
    const third = csv.rows[2] as string[];
    const target = csv.header.indexOf('progression');
    expect(r.x.raw).toEqual(third.filter((_, j) => j !== target).map(Number));
    expect(r.y.raw).toBe(Number(third[target]));
    const saved = JSON.parse(await readFile(model, 'utf8'));
    const { mean, scale } = saved.scalers.y;
    expect(r.y.scaled).toBeCloseTo((r.y.raw - mean[0]) / scale[0], 12);
    expect(r.error.value).toBeCloseTo(0.5 * (r.output[0] - r.y.scaled) ** 2, 14);

    let maxGap = 0;
    let maxFd = 0;
    for (const w of r.weights) {
      maxGap = Math.max(maxGap, Math.abs(w.slide - w.autodiff));
      maxFd = Math.max(maxFd, Math.abs(w.centralDifference - w.autodiff));
      expect(w.difference).toBe(Math.abs(w.slide - w.autodiff));
    }
    expect(maxGap).toBeLessThan(1e-12);
    expect(maxFd).toBeLessThan(1e-6);
    expect(r.maxDifference).toBe(maxGap);
    // the names and pages of the slides: p. 18 inside (k = 2), p. 11 for the output weights w⁽²⁾ₚ
    expect(r.weights[0]).toMatchObject({ name: 'w⁽⁰⁾₀,₁', page: 'p. 18' });
    expect(r.weights.at(-1)).toMatchObject({ name: 'w⁽²⁾₃', page: 'p. 11' });

    const text = await run('gradients', model, data('diabetes'), '--row', '3');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('row 3 of 442 (1-based');
    expect(text.stdout).toContain('scaled');
    expect(text.stdout).toMatch(/w⁽⁰⁾₀,₁\s+p\. 18/);
  });

  it('one hidden layer: p. 14 for the inner weights', async () => {
    const k1 = join(dir, 'diabetes-k1.json');
    await train('diabetes', 'progression', '--hidden 3 --epochs 5 --out', k1);
    const r = await json('gradients', k1, data('diabetes'), '--row', '442');
    expect(r.weights[0].page).toBe('p. 14');
    expect(r.maxDifference).toBeLessThan(1e-12);
    expect(r.maxCentralDifferenceGap).toBeLessThan(1e-6);
  });

  it('classification: autodiff and the central difference only, and why', async () => {
    const iris = join(dir, 'iris.json');
    await train('iris', 'species', '--epochs 5 --out', iris);
    const r = await json('gradients', iris, data('iris'), '--row', '1');
    expect(r.slides.covered).toBe(false);
    expect(r.slides.reason).toMatch(/softmax/);
    expect(r.weights.every((w: { slide: unknown }) => w.slide === null)).toBe(true);
    expect(r.maxCentralDifferenceGap).toBeLessThan(1e-6);
    const text = await run('gradients', iris, data('iris'), '--row', '1');
    expect(text.stdout).toContain("the slides' formulas do not cover this model");
    expect(text.stdout).not.toContain('slide formula');
  });

  it('a row out of range is a clear error, exit 1', async () => {
    for (const row of ['0', '443', '2.5']) {
      const r = await run('gradients', model, data('diabetes'), '--row', row);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/1-based: row 1 is the first row below the header/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const r = await run('gradients', model, data('diabetes'), '--row', '443');
    expect(r.stderr).toContain('has data rows 1 to 442');
  });
});
