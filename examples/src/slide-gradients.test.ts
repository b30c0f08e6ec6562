import { describe, expect, it } from 'vitest';
import { networks, runSlideGradients, sample } from './slide-gradients.js';

// p. 11 and p. 14 for k = 1, computed again here in plain loops, independently of the example
// and of @backprop/optim's slide module.
function slideFormulasK1() {
  const x = [1, ...sample.x]; // x₀ = 1
  const [w0, w1m] = networks[1].weights;
  const w1 = w1m.map((row) => row[0]); // w⁽¹⁾ₚ, p = 0..3
  const a = [0, 1, 2].map((i) => x.reduce((s, xp, p) => s + w0[p][i] * xp, 0)); // eq. 1
  const z = [1, ...a.map((v) => 1 / (1 + Math.exp(-v)))]; // eq. 3, z₀ = 1
  const yE = z.reduce((s, zp, p) => s + w1[p] * zp, 0); // eq. 4
  const err = yE - sample.y;
  const dW1 = z.map((zp) => err * zp); // p. 11
  const dW0 = x.map((xp) => a.map((_, i) => xp * err * w1[i + 1] * z[i + 1] * (1 - z[i + 1]))); // p. 14
  return { yE, dW0, dW1 };
}

describe('slide-gradients: the slides’ formulas, autodiff and central differences', () => {
  const lines: string[] = [];
  const result = runSlideGradients({ log: (l) => lines.push(l) });
  const [k1, k3] = result.networks;

  it('finds the slide formulas equal to autodiff to 1e-12 and central differences within 1e-7', () => {
    expect(result.maxSlideVsAutodiff).toBeLessThanOrEqual(1e-12);
    expect(result.maxFdVsAutodiff).toBeLessThanOrEqual(1e-7);
    for (const n of result.networks) {
      for (const r of n.rows) {
        expect(Math.abs(r.slide - r.autodiff)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(r.finiteDifference - r.autodiff)).toBeLessThanOrEqual(1e-7);
      }
    }
  });

  it('has one row per weight, each citing the slide its formula is on', () => {
    expect(k1.k).toBe(1);
    expect(k3.k).toBe(3);
    // k = 1: w⁽⁰⁾ is 3 × 3 (p. 14), w⁽¹⁾ has 4 entries (p. 11)
    expect(k1.rows.filter((r) => r.page === 'p. 14')).toHaveLength(9);
    expect(k1.rows.filter((r) => r.page === 'p. 11')).toHaveLength(4);
    // k = 3 (2 → 3 → 3 → 2 → 1): 9 + 12 + 8 weights by p. 18, 3 output weights by p. 11
    expect(k3.rows.filter((r) => r.page === 'p. 18')).toHaveLength(9 + 12 + 8);
    expect(k3.rows.filter((r) => r.page === 'p. 11')).toHaveLength(3);
    expect(k3.rows.filter((r) => r.page === 'p. 11').every((r) => r.j === 3)).toBe(true);
  });

  it('matches p. 11 and p. 14 computed independently, and ∂E/∂w⁽¹⁾₀ = y_E − y', () => {
    const expected = slideFormulasK1();
    expect(Math.abs(k1.yE - expected.yE)).toBeLessThanOrEqual(1e-12);
    for (const r of k1.rows) {
      const want = r.j === 1 ? expected.dW1[r.p] : expected.dW0[r.p][r.i - 1];
      expect(Math.abs(r.autodiff - want)).toBeLessThanOrEqual(1e-12);
    }
    const bias = k1.rows.find((r) => r.j === 1 && r.p === 0);
    expect(bias?.autodiff).toBeCloseTo(k1.yE - sample.y, 14); // z₀ = 1
    // E = ½(y_E − y)²
    expect(Math.abs(k1.E - 0.5 * (k1.yE - sample.y) ** 2)).toBeLessThanOrEqual(1e-15);
  });

  it('prints a row per weight with its page and both differences, and the maxima', () => {
    const rows = lines.filter((l) => /^ {2}w⁽[⁰¹²³]⁾/.test(l));
    expect(rows).toHaveLength(13 + 32);
    for (const l of rows) {
      expect(l).toMatch(/p\. 1[148]/);
      expect(l.match(/\d\.\de[+-]\d+/g)).toHaveLength(2);
    }
    expect(lines.at(-1)).toMatch(
      /max \|slide − autodiff\| = .*max \|central diff\. − autodiff\| =/,
    );
  });

  it('runs the compact k = 1 table alone for the demo', () => {
    const short: string[] = [];
    const r = runSlideGradients({ log: (l) => short.push(l), ks: [1], compact: true });
    expect(r.networks).toHaveLength(1);
    expect(r.maxSlideVsAutodiff).toBeLessThanOrEqual(1e-12);
    expect(short.filter((l) => /^ {2}w⁽[⁰¹²³]⁾/.test(l))).toHaveLength(13);
  });
});
