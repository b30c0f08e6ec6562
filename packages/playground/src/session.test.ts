import { tensor } from '@backprop/core';
import { fromJSON, type MLP, toJSON } from '@backprop/layers';
import { slideGradients, slideStep } from '@backprop/optim';
import {
  DEFAULT_CONFIG,
  HISTORY_LIMIT,
  type PlaygroundConfig,
  PlaygroundError,
  Session,
  SURFACE_SIZE,
  toyDataset,
} from '@backprop/playground';
import { describe, expect, it } from 'vitest';

const xor = toyDataset('xor', { samples: 100, noise: 0.05, seed: 7 });
const config = (change: Partial<PlaygroundConfig> = {}): PlaygroundConfig => ({
  ...DEFAULT_CONFIG,
  ...change,
});
/** The ±1 code of the linear output for the binary toy classes. */
const pm = (c: number) => (c === 1 ? 1 : -1);
const layers = (activation: string, ...sizes: number[]) =>
  sizes.map((size) => ({ size, activation }));
const copyOf = (model: MLP) => fromJSON(toJSON(model)) as MLP;
const weightsOf = (model: MLP) =>
  Array.from(
    { length: model.numHidden + 1 },
    (_, j) => model.slideWeights(j).toArray() as number[][],
  );
const maxGap = (a: number[][][], b: number[][][]) =>
  Math.max(...a.flat(2).map((v, n) => Math.abs(v - (b.flat(2)[n] as number))));

describe('Session: training', () => {
  it('with batch size 1 and SGD, each step is the lecture′s per-sample update (p. 10) on one sample', () => {
    const session = new Session(config({ lr: 0.5, validation: 0 }), xor);
    for (let s = 0; s < 20; s++) {
      const lecture = copyOf(session.model);
      session.step(1);
      const [sample] = session.snapshot().lastBatch;
      // optim's slideStep: the slides' hand-derived ∂E/∂w (p. 11, 14), then w ← w − η ∂E/∂w
      slideStep(
        lecture,
        xor.x[sample as number] as number[],
        pm(xor.y[sample as number] as number),
        0.5,
      );
      expect(maxGap(weightsOf(session.model), weightsOf(lecture))).toBeLessThan(1e-14);
    }
  });

  it('visits every training sample once an epoch, and none held out', () => {
    const session = new Session(config({ validation: 0.3 }), xor);
    expect(session.split.train).toHaveLength(70);
    expect(session.split.validation).toHaveLength(30);
    expect([...session.split.train, ...session.split.validation].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, s) => s),
    );
    const seen: number[] = [];
    for (let s = 0; s < 70; s++) {
      session.step(1);
      seen.push(...session.snapshot().lastBatch);
    }
    expect(seen.sort((a, b) => a - b)).toEqual([...session.split.train].sort((a, b) => a - b));
  });

  it('with a minibatch, a step moves w by −η times the mean of the slides′ per-sample gradients', () => {
    const session = new Session(config({ batchSize: 10, lr: 0.2, validation: 0 }), xor);
    const before = copyOf(session.model);
    session.step(1);
    const batch = session.snapshot().lastBatch;
    expect(new Set(batch).size).toBe(10);
    const mean = weightsOf(before).map((w) => w.map((row) => row.map(() => 0)));
    for (const s of batch) {
      const g = slideGradients(before, xor.x[s] as number[], pm(xor.y[s] as number));
      for (const [j, w] of g.entries()) {
        for (const [p, row] of w.entries()) {
          for (const [c, v] of row.entries()) (mean[j]?.[p] as number[])[c] += v / 10;
        }
      }
    }
    const expected = weightsOf(before).map((w, j) =>
      w.map((row, p) => row.map((v, c) => v - 0.2 * (mean[j]?.[p]?.[c] as number))),
    );
    expect(maxGap(weightsOf(session.model), expected)).toBeLessThan(1e-14);
  });

  it.each([
    ['sgd', 0.3, 1],
    ['momentum', 0.03, 1],
    ['adam', 0.1, 1],
    ['sgd', 1, 10],
    ['adam', 0.03, 10],
  ] as const)('%s (lr %s, batch %s) brings the XOR loss down', (optimizer, lr, batchSize) => {
    // seed 2: the 2–3–1 sigmoid network leaves XOR's starting plateau early (seeds differ there)
    const session = new Session(config({ optimizer, lr, batchSize, seed: 2 }), xor);
    session.step(3000);
    const { history, accuracy } = session.snapshot();
    expect(history.train.at(-1)).toBeLessThan(0.5 * (history.train[0] as number));
    expect(accuracy?.train).toBeGreaterThan(0.85);
  });

  it('on the default setup (the page′s first look), brings the loss down within 300 steps', () => {
    const session = new Session(DEFAULT_CONFIG, toyDataset('xor', DEFAULT_CONFIG));
    session.step(300);
    const { history } = session.snapshot();
    expect(history.train.at(-1)).toBeLessThan(0.5 * (history.train[0] as number));
    expect(history.validation.at(-1)).toBeLessThan(0.5 * (history.validation[0] as number));
  });

  it('refuses an output that does not fit the task', () => {
    const gaussian = toyDataset('gaussian', { samples: 50, noise: 0, seed: 1 });
    expect(() => new Session(config({ output: 'softmax' }), gaussian)).toThrow(
      /output 'softmax' needs classes, but y is a number/,
    );
    const three = {
      ...xor,
      y: xor.y.map((c, s) => (s % 3 === 0 ? 2 : c)),
      classes: ['a', 'b', 'c'],
    };
    expect(() => new Session(config(), three)).toThrow(
      /the linear output codes two classes as −1 and \+1, but class has 3 classes/,
    );
  });

  it('stops a diverging network with a message, going back to the last snapshot′s weights', () => {
    const gaussian = toyDataset('gaussian', { samples: 100, noise: 0, seed: 1 });
    const session = new Session(config({ hidden: layers('relu', 16, 16), lr: 10 }), gaussian);
    session.step(3);
    session.snapshot(); // the weights a divergence goes back to: those of the last snapshot
    const good = weightsOf(session.model);
    expect(() => session.step(1000)).toThrow(PlaygroundError);
    expect(() => session.step(1)).toThrow(
      /^training diverged at step \d+: the (loss \(.*\)|weights) stopped being a finite number with learning rate 10\. The weights are back to those of step 3\. Lower the learning rate and reset\.$/,
    );
    const snapshot = session.snapshot();
    expect(snapshot.step).toBe(3);
    expect(snapshot.weights).toEqual(good);
    expect(snapshot.gradients).toBeNull();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot); // no NaN (JSON writes null)
  });
});

describe('Session: snapshots', () => {
  it('are JSON-able and hold the weights and ∂E/∂w of the last step in the slides′ layout', () => {
    const session = new Session(config({ hidden: layers('sigmoid', 3, 2), lr: 0.1 }), xor);
    const first = session.snapshot();
    expect(first.gradients).toBeNull();
    expect(first.gradientNorms).toEqual([]);
    session.step(5);
    const snap = session.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.step).toBe(5);
    expect(snap.samplesSeen).toBe(5);
    expect(snap.sizes).toEqual([2, 3, 2, 1]);
    expect(snap.weights).toEqual(weightsOf(session.model));
    // the last step's ∂E/∂w: the slides' recursion (p. 18) for its sample at the weights before
    // the step, which SGD's w ← w − η ∂E/∂w gives back from the snapshot
    const before = copyOf(session.model);
    for (const [j, wj] of snap.weights.entries()) {
      before.setSlideWeights(
        j,
        wj.map((row, p) => row.map((v, c) => v + 0.1 * (snap.gradients?.[j]?.[p]?.[c] as number))),
      );
    }
    const [sample] = snap.lastBatch as [number];
    const slides = slideGradients(before, xor.x[sample] as number[], pm(xor.y[sample] as number));
    expect(maxGap(snap.gradients ?? [], slides)).toBeLessThan(1e-12);
    expect(snap.gradients?.map((g) => g.length)).toEqual([3, 4, 3]);
    expect(snap.gradientNorms.map(({ j, d, bound }) => [j, d, bound])).toEqual([
      [0, 2, 0.0625],
      [1, 1, 0.25],
      [2, 0, 1],
    ]);
    snap.gradientNorms.forEach(({ j, norm }) => {
      expect(norm).toBeCloseTo(Math.hypot(...(snap.gradients?.[j]?.flat() ?? [])), 14);
    });
  });

  it('records the train and validation loss at each snapshot after steps', () => {
    const session = new Session(config(), xor);
    session.snapshot();
    session.step(10);
    session.snapshot();
    session.snapshot(); // no steps since: no new entry
    session.step(10);
    const { history } = session.snapshot();
    expect(history.step).toEqual([0, 10, 20]);
    expect(history.train).toHaveLength(3);
    expect(history.validation).toHaveLength(3);
  });

  it('thins the loss history beyond HISTORY_LIMIT entries, keeping the first and the newest', () => {
    const small = toyDataset('xor', { samples: 20, noise: 0, seed: 1 });
    const session = new Session(config({ hidden: layers('sigmoid', 1), validation: 0 }), small);
    for (let n = 0; n < HISTORY_LIMIT; n++) {
      session.step(1);
      session.snapshot();
    }
    const { history } = session.snapshot(); // entry HISTORY_LIMIT + 1: thinned to every other step
    expect(history.step).toEqual(Array.from({ length: HISTORY_LIMIT / 2 + 1 }, (_, n) => 2 * n));
    expect(history.train).toHaveLength(HISTORY_LIMIT / 2 + 1);
    session.step(1);
    expect(session.snapshot().history.step.slice(-2)).toEqual([HISTORY_LIMIT, HISTORY_LIMIT + 1]);
  }, 60_000); // 2,000 snapshots, each with its 40 × 40 surface: seconds on a loaded machine

  it('draws the network′s output over a 40 × 40 grid covering the 2-D data', () => {
    const session = new Session(config(), xor);
    session.step(50);
    const { surface } = session.snapshot();
    expect(surface?.kind).toBe('score');
    expect(surface?.x1).toHaveLength(SURFACE_SIZE);
    expect(surface?.values).toHaveLength(SURFACE_SIZE * SURFACE_SIZE);
    const xs = xor.x.map((r) => r[0] as number);
    expect(surface?.x1[0]).toBeLessThan(Math.min(...xs));
    expect(surface?.x1.at(-1)).toBeGreaterThan(Math.max(...xs));
    // grid point (c, r) = (x1[c], x2[r]) at values[r·40 + c]
    const [c, r] = [7, 31];
    const point = [surface?.x1[c] as number, surface?.x2[r] as number];
    expect(surface?.values[r * SURFACE_SIZE + c]).toBe(
      session.model.forward(tensor([point])).item(),
    );
  });

  it('gives class probabilities for softmax and the target′s values for a regression', () => {
    const soft = new Session(config({ output: 'softmax' }), xor).snapshot().surface;
    expect(soft?.kind).toBe('probability');
    expect(soft?.values.every((v) => v > 0 && v < 1)).toBe(true);
    const gaussian = toyDataset('gaussian', { samples: 50, noise: 0, seed: 1 });
    const reg = new Session(config(), gaussian).snapshot();
    expect(reg.surface?.kind).toBe('regression');
    expect(reg.yy).toBeNull();
    expect(reg.accuracy).toBeNull();
  });
});
