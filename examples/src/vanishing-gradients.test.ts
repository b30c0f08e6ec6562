import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  runVanishingGradients,
  spectralNorm,
  type VanishingResult,
} from './vanishing-gradients.js';

describe('spectralNorm', () => {
  it('computes the largest singular value', () => {
    expect(
      spectralNorm([
        [3, 0],
        [0, -4],
      ]),
    ).toBeCloseTo(4, 12);
    expect(
      spectralNorm([
        [1, 1],
        [1, 1],
      ]),
    ).toBeCloseTo(2, 12);
    expect(spectralNorm([[3], [4]])).toBeCloseTo(5, 12); // a column: its Euclidean norm
    expect(
      spectralNorm([
        [1, 2],
        [3, 4],
      ]),
    ).toBeCloseTo(Math.sqrt(15 + Math.sqrt(221)), 12);
  });
});

describe('vanishing-gradients (p. 20)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'vanishing-'));
  const lines: string[] = [];
  let result: VanishingResult;
  beforeAll(async () => {
    result = await runVanishingGradients({ log: (l) => lines.push(l), outDir, depths: [1, 6] });
  });
  const deep = (act: 'sigmoid' | 'relu') => result.stats[act][1];

  it('measures every hidden layer and the output, whose ratio is 1', () => {
    for (const act of ['sigmoid', 'relu'] as const) {
      const { depth, layers } = deep(act);
      expect(depth).toBe(6);
      expect(layers.map((l) => l.j)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(layers.map((l) => l.d)).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(layers[6].ratio).toBe(1);
      expect(result.stats[act][0].layers).toHaveLength(2);
    }
  });

  it('stays under the proven bound max|f′|ᵈ · Π‖W̃‖₂ everywhere', () => {
    for (const act of ['sigmoid', 'relu'] as const) {
      for (const net of result.stats[act]) {
        for (const l of net.layers) expect(l.ratio).toBeLessThanOrEqual(l.bound * (1 + 1e-9));
      }
    }
  });

  it('finds the sigmoid network’s error shrinking at every layer towards the inputs, and ReLU’s not', () => {
    const sig = deep('sigmoid').layers.map((l) => l.ratio);
    for (let j = 0; j < sig.length - 1; j++) expect(sig[j] / sig[j + 1]).toBeLessThan(0.5);
    expect(sig[0]).toBeLessThan(1e-3); // six sigmoid layers down (0.25⁶ ≈ 2.4e-4)
    const relu = deep('relu').layers.map((l) => l.ratio);
    expect(Math.min(...relu)).toBeGreaterThan(0.1);
    expect(relu[0] / sig[0]).toBeGreaterThan(100);
    // and so the weights next to the inputs get small steps with sigmoid only
    const w = (act: 'sigmoid' | 'relu') => {
      const ls = deep(act).layers;
      return ls[0].weightGradNorm / ls[ls.length - 1].weightGradNorm;
    };
    expect(w('sigmoid')).toBeLessThan(1e-2);
    expect(w('relu')).toBeGreaterThan(0.1);
  });

  it('writes an SVG with one line per activation, the 0.25ᵈ reference and the bound', () => {
    expect(result.svgPath).toBe(join(outDir, 'vanishing-gradients.svg'));
    const svg = readFileSync(result.svgPath as string, 'utf8');
    expect(svg).toBe(result.svg);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(4);
    expect(svg.match(/<svg/g)).toHaveLength(1);
    const legend = [...svg.matchAll(/role-legend-label[^>]*>\s*<text[^>]*>([^<]*)</g)].map(
      (m) => m[1],
    );
    expect(legend).toEqual(['sigmoid', 'ReLU', '0.25^d (p. 20)', 'sigmoid bound']);
    expect(svg).not.toContain('NaN');
  });

  it('ticks the layer axis at whole layers and the log axis at powers of ten', () => {
    const axis = (name: string) => {
      const group = result.svg.split('aria-label="').find((g) => g.startsWith(`${name} titled`));
      const labels = group?.split('role-axis-label')[1]?.split('role-axis-domain')[0] ?? '';
      return [...labels.matchAll(/>([^<]+)<\/text>/g)].map((m) => Number(m[1]));
    };
    expect(axis('X-axis')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const y = axis('Y-axis');
    expect(y.length).toBeGreaterThanOrEqual(3); // six sigmoid layers span several decades
    for (const v of y) expect(Math.log10(v)).toBeCloseTo(Math.round(Math.log10(v)), 12);
  });

  it('prints the per-layer table and the table by depth', () => {
    const text = lines.join('\n');
    expect(text).toContain('0.25ᵈ');
    expect(
      lines.filter((l) => /^ {2}(\d+|y_E \(\d+\)) +\d+ +\d\.\d\de-?\+?\d/.test(l)),
    ).toHaveLength(7);
    expect(lines.filter((l) => /^ +[16] +\d\.\d\de-\d/.test(l))).toHaveLength(2); // k = 1 and 6
  });
});
