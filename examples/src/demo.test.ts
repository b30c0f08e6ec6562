import { describe, expect, it } from 'vitest';
import { runDemo, sample } from './demo.js';

// The slides' closed forms, computed again here in plain loops (independently of demo.ts).
function slideFormulas() {
  const x = [1, ...sample.x]; // x₀ = 1
  const { w0, w1, y } = sample;
  const a = w1.slice(1).map((_, i) => x.reduce((s, xp, p) => s + w0[p][i] * xp, 0)); // eq. 1
  const z = [1, ...a.map((v) => 1 / (1 + Math.exp(-v)))]; // eq. 3, z₀ = 1
  const yE = z.reduce((s, zp, p) => s + w1[p] * zp, 0); // eq. 4
  const dW1 = z.map((zp) => (yE - y) * zp); // p. 11
  const dW0 = x.map((xp) => a.map((_, i) => xp * (yE - y) * w1[i + 1] * z[i + 1] * (1 - z[i + 1]))); // p. 14
  return { yE, E: 0.5 * (yE - y) ** 2, dW1, dW0 };
}

describe('the demo (the lecture network, by hand)', () => {
  const result = runDemo(() => {});
  const expected = slideFormulas();

  it('computes y_E and E of p. 5 and p. 10', () => {
    expect(Math.abs(result.yE - expected.yE)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(result.E - expected.E)).toBeLessThanOrEqual(1e-12);
  });

  it('gets autodiff gradients equal to the slide formulas of p. 11 and p. 14', () => {
    expect(result.maxDifference).toBeLessThanOrEqual(1e-12);
    result.gradW1.forEach((g, p) => {
      expect(Math.abs(g - expected.dW1[p])).toBeLessThanOrEqual(1e-12);
    });
    expect(result.gradW0).toHaveLength(3);
    result.gradW0.forEach((row, p) => {
      expect(row).toHaveLength(3);
      row.forEach((g, i) => {
        expect(Math.abs(g - expected.dW0[p][i])).toBeLessThanOrEqual(1e-12);
      });
    });
  });

  it('retains ∂E/∂a⁽¹⁾, which equals row p = 0 of ∂E/∂W⁽⁰⁾ (x₀ = 1)', () => {
    expect(result.gradA).toEqual(result.gradW0[0]);
  });

  it('passes gradcheck and draws the graph', () => {
    expect(result.gradcheck.ok).toBe(true);
    expect(result.mermaid).toMatch(/^flowchart LR/);
    for (const op of ['matmul', 'sigmoid', 'concat', 'sum', 'square']) {
      expect(result.mermaid).toContain(op);
    }
  });

  it('prints a table with one row per gradient', () => {
    const lines: string[] = [];
    runDemo((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toContain('∂E/∂a⁽¹⁾ (retainGrad)');
    expect(lines.filter((l) => /p\. 1[134]/.test(l) && /e[+-]\d/.test(l))).toHaveLength(3 + 4 + 9);
    expect(text).toContain('gradcheck passed');
  });
});
