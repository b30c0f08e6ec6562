import { PlaygroundError, TOY_DATASETS, toyDataset } from '@backprop/playground';
import { describe, expect, it } from 'vitest';

const std = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
};
const radius = ([a, b]: number[]) => Math.hypot(a as number, b as number);

describe('toyDataset', () => {
  it.each(TOY_DATASETS)(
    '%s: the size asked for, 2 features, and the same samples for the same seed',
    (name) => {
      const data = toyDataset(name, { samples: 101, noise: 0.1, seed: 3 });
      expect(data.x).toHaveLength(101);
      expect(data.y).toHaveLength(101);
      expect(data.x.every((r) => r.length === 2 && r.every(Number.isFinite))).toBe(true);
      expect(data.featureNames).toEqual(['x₁', 'x₂']);
      expect(toyDataset(name, { samples: 101, noise: 0.1, seed: 3 })).toEqual(data);
      expect(toyDataset(name, { samples: 101, noise: 0.1, seed: 4 }).x).not.toEqual(data.x);
    },
  );

  it.each(['circles', 'spirals', 'moons'] as const)('%s: two classes, equally many', (name) => {
    const data = toyDataset(name, { samples: 200, noise: 0, seed: 1 });
    expect(data.task).toBe('classification');
    expect(data.classes).toEqual(['0', '1']);
    expect(data.y.filter((c) => c === 1)).toHaveLength(100);
  });

  it('xor: class 1 exactly where x₁x₂ > 0 without noise, the points off the axes in [−1, 1]²', () => {
    const { x, y } = toyDataset('xor', { samples: 500, noise: 0, seed: 2 });
    x.forEach(([a, b], s) => {
      expect(y[s]).toBe((a as number) * (b as number) > 0 ? 1 : 0);
      for (const v of [a, b] as number[]) {
        expect(Math.abs(v)).toBeGreaterThanOrEqual(0.05);
        expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }
    });
  });

  it('circles: class 1 inside radius 0.5, class 0 on the ring 0.7–1, without noise', () => {
    const { x, y } = toyDataset('circles', { samples: 300, noise: 0, seed: 2 });
    x.forEach((row, s) => {
      const r = radius(row);
      if (y[s] === 1) expect(r).toBeLessThanOrEqual(0.5);
      else expect(r >= 0.7 && r <= 1).toBe(true);
    });
  });

  it('spirals: each point on its class′s arm, angle = 3.5π·r + class·π (mod 2π), without noise', () => {
    const { x, y } = toyDataset('spirals', { samples: 300, noise: 0, seed: 2 });
    x.forEach(([a, b], s) => {
      const r = radius([a as number, b as number]);
      expect(r).toBeLessThanOrEqual(1);
      const expected = 3.5 * Math.PI * r + (y[s] as number) * Math.PI;
      const off = Math.atan2(b as number, a as number) - expected;
      const wrapped = Math.atan2(Math.sin(off), Math.cos(off)); // the gap folded into (−π, π]
      expect(Math.abs(wrapped)).toBeLessThan(1e-9);
    });
  });

  it('gaussian: a regression in [−1, 1] with noise on y only, of the standard deviation asked for', () => {
    const clean = toyDataset('gaussian', { samples: 1000, noise: 0, seed: 5 });
    const noisy = toyDataset('gaussian', { samples: 1000, noise: 0.3, seed: 5 });
    expect(clean.task).toBe('regression');
    expect(clean.classes).toBeUndefined();
    expect(noisy.x).toEqual(clean.x);
    expect(clean.y.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(std(noisy.y.map((v, s) => v - (clean.y[s] as number)))).toBeCloseTo(0.3, 1);
  });

  it('moves the points of a class set by noise of the standard deviation asked for', () => {
    const clean = toyDataset('moons', { samples: 1000, noise: 0, seed: 5 });
    const noisy = toyDataset('moons', { samples: 1000, noise: 0.2, seed: 5 });
    expect(noisy.y).toEqual(clean.y);
    expect(std(noisy.x.map((r, s) => (r[0] as number) - (clean.x[s]?.[0] as number)))).toBeCloseTo(
      0.2,
      1,
    );
  });

  it('refuses a size, a noise or a name outside the sliders', () => {
    expect(() => toyDataset('xor', { samples: 10, noise: 0, seed: 0 })).toThrow(
      /samples: expected an integer from 20 to 1000; got 10/,
    );
    expect(() => toyDataset('xor', { samples: 20, noise: 0.9, seed: 0 })).toThrow(
      /noise: expected a number from 0 to 0.5/,
    );
    expect(() => toyDataset('iris' as 'xor', { samples: 20, noise: 0, seed: 0 })).toThrow(
      PlaygroundError,
    );
  });
});
