// The 2-D toy data sets of the playground (the shapes TensorFlow Playground made familiar, drawn
// afresh): four classifications and a regression surface, from a seed, in about [−1, 1]².
import { Generator } from '@backprop/core';
import { LIMITS, TOY_DATASETS, type ToyDatasetName } from './config.js';
import type { PlaygroundData } from './data.js';
import { PlaygroundError } from './errors.js';

/** Options of `toyDataset`. */
export interface ToyOptions {
  /** The number of samples, 20–1000. */
  samples: number;
  /** The standard deviation of the Gaussian noise (on the points; on y for 'gaussian'), 0–0.5. */
  noise: number;
  /** The seed: the same seed gives the same samples. */
  seed: number;
}

type Point = [x1: number, x2: number, y: number];
type Maker = (n: number, g: Generator) => Point[];

const uniform = (g: Generator, lo: number, hi: number) => lo + (hi - lo) * g.uniform();

// One sample generator per set; classes alternate so both are equally many.
const MAKERS: { [K in ToyDatasetName]: Maker } = {
  // class 1 where x₁x₂ > 0; points keep a small gap from the axes so the classes are separable
  xor: (n, g) =>
    Array.from({ length: n }, () => {
      const pad = (v: number) => v + (v > 0 ? 0.05 : -0.05);
      const x1 = pad(uniform(g, -0.95, 0.95));
      const x2 = pad(uniform(g, -0.95, 0.95));
      return [x1, x2, x1 * x2 > 0 ? 1 : 0];
    }),
  // class 1 inside radius 0.5, class 0 on the ring 0.7–1
  circles: (n, g) =>
    Array.from({ length: n }, (_, s) => {
      const inner = s % 2 === 1;
      const r = inner ? uniform(g, 0, 0.5) : uniform(g, 0.7, 1);
      const angle = uniform(g, 0, 2 * Math.PI);
      return [r * Math.cos(angle), r * Math.sin(angle), inner ? 1 : 0];
    }),
  // two interleaved spirals, 1.75 turns each, the second turned by π
  spirals: (n, g) =>
    Array.from({ length: n }, (_, s) => {
      const c = s % 2;
      const t = uniform(g, 0.05, 1);
      const angle = t * 1.75 * 2 * Math.PI + c * Math.PI;
      return [t * Math.cos(angle), t * Math.sin(angle), c];
    }),
  // two interleaving half circles, centred on the origin
  moons: (n, g) =>
    Array.from({ length: n }, (_, s) => {
      const c = s % 2;
      const angle = uniform(g, 0, Math.PI);
      const [u, v] =
        c === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
      return [0.7 * (u - 0.5), 0.7 * (v - 0.25), c];
    }),
  // regression: a bump and a dip, y = exp(−|x − a|²/0.3) − exp(−|x − b|²/0.2)
  gaussian: (n, g) =>
    Array.from({ length: n }, () => {
      const x1 = uniform(g, -1, 1);
      const x2 = uniform(g, -1, 1);
      const bump = Math.exp(-((x1 - 0.3) ** 2 + (x2 + 0.3) ** 2) / 0.3);
      const dip = Math.exp(-((x1 + 0.4) ** 2 + (x2 - 0.4) ** 2) / 0.2);
      return [x1, x2, bump - dip];
    }),
};

/**
 * A 2-D toy data set: 'xor', 'circles', 'spirals', 'moons' (two classes) or 'gaussian' (a
 * regression surface). Noise is added to the points (to y for 'gaussian').
 * @example
 * const data = toyDataset('circles', { samples: 100, noise: 0.05, seed: 1 });
 * console.log(data.task, data.x.length, data.classes); // → classification 100 [ '0', '1' ]
 */
export function toyDataset(name: ToyDatasetName, options: ToyOptions): PlaygroundData {
  if (!(TOY_DATASETS as readonly string[]).includes(name)) {
    throw new PlaygroundError(
      `toy data set: expected one of ${TOY_DATASETS.join(', ')}; got '${String(name)}'`,
    );
  }
  const { samples, noise, seed } = options;
  const { min, max } = LIMITS.samples;
  if (!Number.isInteger(samples) || samples < min || samples > max) {
    throw new PlaygroundError(`samples: expected an integer from ${min} to ${max}; got ${samples}`);
  }
  if (!(noise >= LIMITS.noise.min && noise <= LIMITS.noise.max)) {
    throw new PlaygroundError(`noise: expected a number from 0 to 0.5; got ${noise}`);
  }
  const g = new Generator(seed);
  const points = MAKERS[name](samples, g);
  const regression = name === 'gaussian';
  const x = points.map(([x1, x2]) =>
    regression ? [x1, x2] : [x1 + noise * g.normal(), x2 + noise * g.normal()],
  );
  const y = points.map(([, , v]) => (regression ? v + noise * g.normal() : v));
  return regression
    ? { task: 'regression', x, y, featureNames: ['x₁', 'x₂'], targetName: 'y' }
    : {
        task: 'classification',
        x,
        y,
        classes: ['0', '1'],
        featureNames: ['x₁', 'x₂'],
        targetName: 'class',
      };
}
