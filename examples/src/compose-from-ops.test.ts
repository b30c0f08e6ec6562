import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { initRBF, rbfNetwork, runComposeFromOps } from './compose-from-ops.js';

describe('rbfNetwork', () => {
  it('computes Σ w_k exp(−‖x − c_k‖²/(2σ_k²)) + b', () => {
    const p = {
      centres: tensor([
        [0, 0],
        [1, 2],
      ]),
      logWidths: tensor([0, Math.log(2)]), // σ = 1, 2
      weight: tensor([[1], [-3]]),
      bias: tensor([0.5]),
    };
    const x = tensor([
      [0, 0],
      [1, 0],
    ]);
    const y = rbfNetwork(x, p);
    expect(y.shape).toEqual([2, 1]);
    const expected = [
      1 - 3 * Math.exp(-5 / 8) + 0.5, // ‖x − c₂‖² = 5, 2σ₂² = 8
      Math.exp(-1 / 2) - 3 * Math.exp(-4 / 8) + 0.5,
    ];
    y.data.forEach((v, i) => {
      expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-15);
    });
  });

  it('starts with evenly spaced centres and widths equal to the spacing', () => {
    const p = initRBF(5, -2, 2);
    expect(Array.from(p.centres.data)).toEqual([-2, -1, 0, 1, 2]);
    expect(Array.from(p.logWidths.data, Math.exp).every((s) => Math.abs(s - 1) < 1e-15)).toBe(true);
  });
});

describe('the compose-from-ops example (a few steps)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'backprop-compose-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const r = await runComposeFromOps({ log: () => {}, steps: 200, outDir: dir });

  it('has gradients with respect to centres and widths that pass gradcheck', () => {
    expect(r.gradcheck.ok).toBe(true);
  });

  it('lowers the loss and fits between the training points', () => {
    expect(r.losses).toHaveLength(201);
    expect(r.losses[200]).toBeLessThan((r.losses[0] as number) / 100);
    expect(r.gridError).toBeLessThan(0.01);
    // learning the centres and widths beats training the output weights alone
    expect(r.losses[200]).toBeLessThan(r.frozenLosses[200] as number);
    expect(r.centres).toHaveLength(8);
    expect(r.widths.every((s) => s > 0)).toBe(true);
  });

  it('writes the fit and the loss curves as SVG', async () => {
    const fit = await readFile(r.files.fit, 'utf8');
    const lines = (svg: string) => svg.match(/aria-roledescription="line mark"/g);
    expect(lines(fit)).toHaveLength(4); // target, before, learned, frozen
    const loss = await readFile(r.files.loss, 'utf8');
    expect(lines(loss)).toHaveLength(2);
    expect(loss).toMatch(/Y-axis titled 'mean squared error' for a log scale/);
  });
});
