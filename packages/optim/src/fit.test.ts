// fit: convergence, the lecture's per-sample SGD reproduced by a hand-written loop, reproducibility,
// validation, metrics, early stopping, callbacks, schedules, the progress display and the errors.
import {
  Generator,
  isGradEnabled,
  NonFiniteError,
  ShapeError,
  type Tensor,
  tanh,
  tensor,
  ValueError,
} from '@backprop/core';
import { crossEntropy, halfSquaredError, Linear, MLP, mse } from '@backprop/layers';
import { describe, expect, it, vi } from 'vitest';
import {
  Adam,
  accuracy,
  argmax,
  DivergenceError,
  type EpochLog,
  type FitOptions,
  fit,
  type History,
  ReduceLROnPlateau,
  r2Score,
  SGD,
  StepLR,
  shuffleIndices,
} from './index.js';

/** n samples of y = 2x + 1 + noise, x uniform in [−1, 1]; x [n, 1], y [n, 1]. */
function line(n: number, seed: number, noise = 0.1, slope = 2, intercept = 1) {
  const g = new Generator(seed);
  const xs = Array.from({ length: n }, () => 2 * g.uniform() - 1);
  const ys = xs.map((v) => slope * v + intercept + noise * g.normal());
  return { x: tensor(xs, { shape: [n, 1] }), y: tensor(ys, { shape: [n, 1] }) };
}

const copy = (ps: Tensor[]) => ps.map((p) => Array.from(p.data));
const withoutTime = (h: History) => ({
  ...h,
  epochs: h.epochs.map(({ seconds: _, ...rest }) => rest),
});

/** A linear model (k = 0) with fixed starting weights w = w0, b = 0. */
function linearModel(w0 = 0): Linear {
  const m = new Linear(1, 1, { seed: 0 });
  m.weight.data[0] = w0;
  (m.bias as Tensor).data[0] = 0;
  return m;
}

/** fit on a fresh linearModel() with SGD at `lr`. */
function fitLinear(options: Omit<FitOptions, 'optimizer'> & { lr: number }): History {
  const { lr, ...rest } = options;
  const model = linearModel();
  return fit(model, { ...rest, optimizer: new SGD(model.parameters(), { lr }) });
}

describe('fit: training', () => {
  it('fits y = 2x + 1 with noise: an MLP with k = 0 ends near (2, 1) and near least squares', () => {
    const { x, y } = line(200, 1);
    const model = new MLP({ inputs: 1, hidden: [], seed: 3 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const history = fit(model, { x, y, loss: mse, optimizer, epochs: 60, batchSize: 10, seed: 0 });
    const [w, b] = model.parameters() as [Tensor, Tensor];
    expect(w.data[0]).toBeCloseTo(2, 1);
    expect(b.data[0]).toBeCloseTo(1, 1);
    // the least-squares line of this sample, in closed form
    const xs = Array.from(x.data);
    const ys = Array.from(y.data);
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    const sxy = xs.reduce((s, v, i) => s + (v - mx) * ((ys[i] as number) - my), 0);
    const sxx = xs.reduce((s, v) => s + (v - mx) ** 2, 0);
    const slope = sxy / sxx;
    expect(Math.abs((w.data[0] as number) - slope)).toBeLessThan(0.02);
    expect(Math.abs((b.data[0] as number) - (my - slope * mx))).toBeLessThan(0.02);
    // the loss fell to about the noise variance 0.01
    expect(history.epochs).toHaveLength(60);
    expect(history.epochs[0]?.loss).toBeGreaterThan(0.1);
    expect(history.epochs.at(-1)?.loss).toBeLessThan(0.015);
    expect(history.stoppedEarly).toBe(false);
    expect(history.stopReason).toBeUndefined();
    expect(history.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (const e of history.epochs) {
      expect(e.lr).toBe(0.1);
      expect(e.seconds).toBeGreaterThanOrEqual(0);
      expect(e.valLoss).toBeUndefined();
      expect(e.metrics).toEqual({});
    }
  });

  it('batchSize 1 with SGD is the lecture’s per-sample loop (p. 10), to 1e-12', () => {
    // fit on an MLP with one tanh hidden layer …
    const { x, y } = line(23, 2, 0.3);
    const model = new MLP({ inputs: 1, hidden: [3], activation: 'tanh', seed: 5 });
    const start = copy(model.parameters());
    const lr = 0.05;
    const epochs = 4;
    const seed = 11;
    const history = fit(model, {
      x,
      y,
      loss: halfSquaredError,
      optimizer: new SGD(model.parameters(), { lr }),
      epochs,
      batchSize: 1,
      seed,
    });

    // … and the same network written with core ops, trained sample by sample by hand, visiting
    // the samples in the order documented for fit: the e-th shuffleIndices of new Generator(seed)
    const [W1, b1, W2, b2] = start.map((values, i) =>
      tensor(values, { shape: model.parameters()[i]?.shape, requiresGrad: true }),
    ) as [Tensor, Tensor, Tensor, Tensor];
    const generator = new Generator(seed);
    const epochLosses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      let sum = 0;
      for (const i of shuffleIndices(23, { generator })) {
        const z = tanh(x.gather([i]).matmul(W1).add(b1)); // p. 5: z = f(a)
        const yE = z.matmul(W2).add(b2);
        const E = halfSquaredError(yE, y.gather([i])); // p. 10: E = ½(y_E − y)²
        sum += E.item();
        E.backward();
        for (const p of [W1, b1, W2, b2]) {
          const g = p.grad?.data as Float64Array;
          for (let k = 0; k < p.size; k++)
            p.data[k] = (p.data[k] as number) - lr * (g[k] as number); // w ← w − η ∂E/∂w
          p.grad = null;
        }
      }
      epochLosses.push(sum / 23);
    }
    const trained = model.parameters();
    [W1, b1, W2, b2].forEach((p, i) => {
      const q = trained[i] as Tensor;
      for (let k = 0; k < p.size; k++) {
        expect(Math.abs((q.data[k] as number) - (p.data[k] as number))).toBeLessThan(1e-12);
      }
    });
    // the weights moved, so the comparison says something
    expect(Math.abs((trained[2]?.data[0] as number) - (start[2]?.[0] as number))).toBeGreaterThan(
      1e-3,
    );
    history.epochs.forEach((e, i) => {
      expect(Math.abs(e.loss - (epochLosses[i] as number))).toBeLessThan(1e-12);
    });
  });

  it('visits every sample once per epoch in shuffled minibatches, the last one partial', () => {
    const { x, y } = line(10, 3);
    const model = linearModel();
    const seen: number[][] = [];
    fit(model, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 2,
      batchSize: 4,
      seed: 9,
      callbacks: { onBatchEnd: (info) => seen.push([...info.indices]) },
    });
    expect(seen.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2]);
    const generator = new Generator(9);
    expect(seen.slice(0, 3).flat()).toEqual(shuffleIndices(10, { generator }));
    expect(seen.slice(3).flat()).toEqual(shuffleIndices(10, { generator }));
    expect(seen.slice(0, 3).flat()).not.toEqual(seen.slice(3).flat());

    // shuffle: false takes the rows in order
    const ordered: number[][] = [];
    fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      callbacks: { onBatchEnd: (info) => ordered.push([...info.indices]) },
    });
    expect(ordered).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('reports the epoch loss as the mean over samples, batches weighted by their size', () => {
    const { x, y } = line(10, 4);
    const model = linearModel(0.5);
    const batchLosses: { loss: number; size: number }[] = [];
    const history = fit(model, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      epochs: 1,
      batchSize: 4,
      callbacks: { onBatchEnd: (b) => batchLosses.push({ loss: b.loss, size: b.indices.length }) },
    });
    const weighted = batchLosses.reduce((s, b) => s + b.loss * b.size, 0) / 10;
    expect(history.epochs[0]?.loss).toBeCloseTo(weighted, 14);
    // not the plain mean of the batch losses, which would overweight the batch of 2
    const plain = batchLosses.reduce((s, b) => s + b.loss, 0) / 3;
    expect(Math.abs(weighted - plain)).toBeGreaterThan(1e-6);
  });

  it('repeats bit for bit with the same seed, and differs with another', () => {
    const { x, y } = line(50, 5);
    const run = (seed: number | undefined) => {
      const model = new MLP({ inputs: 1, hidden: [4], seed: 1 });
      const history = fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
        epochs: 5,
        batchSize: 8,
        validationSplit: 0.2,
        metrics: { r2: r2Score },
        ...(seed === undefined ? {} : { seed }),
      });
      return { history: withoutTime(history), weights: copy(model.parameters()) };
    };
    const a = run(7);
    const b = run(7);
    expect(b.history).toEqual(a.history);
    expect(b.weights).toEqual(a.weights);
    const c = run(8);
    expect(c.weights).not.toEqual(a.weights);
    expect(c.history.validationIndices).not.toEqual(a.history.validationIndices);
    expect(run(undefined).weights).toEqual(run(0).weights); // the default seed is 0
  });

  it('draws the shuffles from a generator when given one', () => {
    const { x, y } = line(12, 6);
    const orders: number[] = [];
    const generator = new Generator(3);
    fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 2,
      batchSize: 12,
      generator,
      callbacks: { onBatchEnd: (b) => orders.push(...b.indices) },
    });
    const again = new Generator(3);
    expect(orders).toEqual([
      ...shuffleIndices(12, { generator: again }),
      ...shuffleIndices(12, { generator: again }),
    ]);
    expect(generator.uniform()).toBe(again.uniform()); // it advanced as far
  });

  it('clips the gradients to clipGradNorm before each step', () => {
    const { x, y } = line(8, 7);
    // one full batch, one step from w = b = 0: the gradient of mse there is large; clipped to
    // norm 0.5, the step has length lr · 0.5
    const model = linearModel(0);
    fit(model, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 1 }),
      epochs: 1,
      batchSize: 8,
      clipGradNorm: 0.5,
    });
    const step = Math.hypot(
      model.weight.data[0] as number,
      (model.bias as Tensor).data[0] as number,
    );
    expect(step).toBeCloseTo(0.5, 5);
  });
});

describe('fit: compile', () => {
  /** Blobs in the plane, three classes; an MLP with two hidden layers; Adam; batches of 16 (the last of 11). */
  function run(compile: boolean | undefined, dtype: 'float32' | 'float64') {
    const g = new Generator(7);
    const labels = Array.from({ length: 91 }, (_, i) => i % 3);
    const points = labels.map((c) => [c - 1 + 0.6 * g.normal(), (c % 2) + 0.6 * g.normal()]);
    const model = new MLP({
      inputs: 2,
      hidden: [8, 8],
      activation: 'tanh',
      outputs: 3,
      seed: 5,
      dtype,
    });
    const history = fit(model, {
      x: tensor(points, { dtype }),
      y: tensor(labels, { dtype }),
      loss: crossEntropy,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      epochs: 8,
      batchSize: 16,
      validationSplit: 0.2,
      metrics: { accuracy: (t, p) => accuracy(t, argmax(p)) },
      clipGradNorm: 5,
      ...(compile === undefined ? {} : { compile }),
    });
    return { history: withoutTime(history), weights: copy(model.parameters()) };
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`compiled (by default here, or asked) gives the history and weights of eager steps, bit for bit (${dtype})`, () => {
      const eager = run(false, dtype);
      for (const compiled of [run(undefined, dtype), run(true, dtype)]) {
        expect(compiled.history).toEqual(eager.history);
        expect(compiled.weights).toEqual(eager.weights);
      }
      expect(eager.history.epochs.at(-1)?.loss).toBeLessThan(
        eager.history.epochs[0]?.loss as number,
      );
    });
  }

  it('state a callback changes (a plain JS flag the model reads) reaches the compiled steps too', () => {
    /** A linear model whose forward reads a JS number: a "mode" a callback switches. */
    function scaled(compile: boolean) {
      const linear = linearModel(0.3);
      const model = {
        scale: 1,
        forward(x: Tensor) {
          return linear.forward(x).mul(this.scale);
        },
        parameters: () => linear.parameters(),
      };
      const { x, y } = line(20, 8);
      const history = fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(model.parameters(), { lr: 0.05 }),
        epochs: 4,
        batchSize: 5,
        seed: 0,
        compile,
        callbacks: {
          onEpochEnd: (log) => {
            if (log.epoch === 2) model.scale = 0.5;
          },
        },
      });
      return { history: withoutTime(history), weights: copy(model.parameters()) };
    }
    const eager = scaled(false);
    const compiled = scaled(true);
    expect(compiled.weights).toEqual(eager.weights);
    expect(compiled.history).toEqual(eager.history);
  });

  it('by default compiles only what replays exactly: a model that reads JS state runs eagerly', () => {
    /** A linear model whose output drifts with a JS counter: a replay would freeze the counter. */
    function drifting(compile: boolean | undefined) {
      const linear = linearModel(0.3);
      let calls = 0;
      const model = {
        forward: (x: Tensor) => linear.forward(x).mul(1 + 0.01 * calls++),
        parameters: () => linear.parameters(),
      };
      const { x, y } = line(20, 8);
      const history = fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(model.parameters(), { lr: 0.05 }),
        epochs: 3,
        batchSize: 5,
        seed: 0,
        divergenceFactor: Number.POSITIVE_INFINITY,
        ...(compile === undefined ? {} : { compile }),
      });
      return { history: withoutTime(history), weights: copy(model.parameters()) };
    }
    const eager = drifting(false);
    expect(drifting(undefined)).toEqual(eager);
    // what the default avoids: asked to compile, the counter is read once per trace
    expect(drifting(true).weights).not.toEqual(eager.weights);
  });

  it('compile must be a boolean', () => {
    const model = linearModel();
    const { x, y } = line(8, 1);
    expect(() =>
      fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        epochs: 1,
        compile: 'yes' as never,
      }),
    ).toThrow(/fit: compile must be true or false, got/);
  });
});

describe('fit: validation and metrics', () => {
  it('records valLoss and metrics computed without a graph on the validation data', () => {
    const train = line(40, 8);
    const val = line(15, 9);
    const model = new MLP({ inputs: 1, hidden: [3], seed: 2 });
    const history = fit(model, {
      x: train.x,
      y: train.y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.2 }),
      epochs: 6,
      batchSize: 8,
      validation: val,
      metrics: { r2: r2Score, mse: (t, p) => mse(p, t).item() },
    });
    for (const e of history.epochs) {
      expect(e.valLoss).toBeTypeOf('number');
      expect(Object.keys(e.metrics)).toEqual(['r2', 'mse']);
      expect(Object.keys(e.valMetrics ?? {})).toEqual(['r2', 'mse']);
    }
    const last = history.epochs.at(-1) as EpochLog;
    const prediction = model.forward(val.x);
    expect(last.valLoss).toBeCloseTo(mse(prediction, val.y).item(), 12);
    expect(last.valMetrics?.r2).toBeCloseTo(r2Score(val.y, prediction), 12);
    expect(last.valMetrics?.mse).toBeCloseTo(last.valLoss as number, 12);
    // training metrics are over the epoch's predictions, as its loss is: the same mse
    expect(last.metrics.mse).toBeCloseTo(last.loss, 12);
    // the best epoch is the one with the lowest valLoss
    const vals = history.epochs.map((e) => e.valLoss as number);
    expect(history.bestEpoch).toBe(vals.indexOf(Math.min(...vals)) + 1);
  });

  it('runs validation without recording a graph, in batches of batchSize', () => {
    const train = line(10, 8);
    const inner = linearModel();
    const calls: { rows: number; recording: boolean }[] = [];
    const model = {
      forward: (x: Tensor) => {
        calls.push({ rows: x.shape[0] as number, recording: isGradEnabled() });
        return inner.forward(x);
      },
      parameters: () => inner.parameters(),
    };
    fit(model, {
      x: train.x,
      y: train.y,
      loss: mse,
      optimizer: new SGD(inner.parameters(), { lr: 0.1 }),
      epochs: 2,
      batchSize: 4,
      validation: line(5, 9),
    });
    const initial = [
      { rows: 4, recording: false },
      { rows: 4, recording: false },
      { rows: 2, recording: false },
    ];
    const epoch = [
      { rows: 4, recording: true },
      { rows: 4, recording: true },
      { rows: 2, recording: true },
      { rows: 4, recording: false },
      { rows: 1, recording: false },
    ];
    expect(calls).toEqual([...initial, ...epoch, ...epoch]);
  });

  it('classifies with crossEntropy on class indices, metrics called as (target, prediction)', () => {
    // three well separated blobs in the plane, labels 0, 1, 2
    const g = new Generator(30);
    const centres = [
      [-2, 0],
      [2, 0],
      [0, 2.5],
    ];
    const labels = Array.from({ length: 90 }, (_, i) => i % 3);
    const points = labels.map((c) => (centres[c] as number[]).map((m) => m + 0.5 * g.normal()));
    const model = new MLP({ inputs: 2, hidden: [], outputs: 3, seed: 4 });
    const seen: [Tensor, Tensor][] = [];
    const history = fit(model, {
      x: tensor(points),
      y: tensor(labels),
      loss: crossEntropy,
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      epochs: 30,
      batchSize: 16,
      validationSplit: 0.3,
      metrics: {
        accuracy: (target, prediction) => {
          seen.push([target, prediction]);
          return accuracy(target, argmax(prediction));
        },
      },
    });
    const last = history.epochs.at(-1) as EpochLog;
    expect(last.metrics.accuracy).toBeGreaterThan(0.9);
    expect(last.valMetrics?.accuracy).toBeGreaterThan(0.9);
    const [target, prediction] = seen.at(-1) as [Tensor, Tensor];
    expect(target.shape).toEqual([27]); // the validation labels
    expect(prediction.shape).toEqual([27, 3]); // the model's scores for them
  });

  it('holds out validationSplit of the rows at random, disjoint from the training rows', () => {
    const { x, y } = line(20, 10);
    const trained = new Set<number>();
    const history = fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.1,
      epochs: 1,
      batchSize: 3,
      validationSplit: 0.25,
      callbacks: {
        onBatchEnd: (b) => {
          for (const i of b.indices) trained.add(i);
        },
      },
    });
    const held = history.validationIndices as number[];
    expect(held).toHaveLength(5);
    expect(trained.size).toBe(15);
    expect(held.some((i) => trained.has(i))).toBe(false);
    expect([...held, ...trained].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(held).not.toEqual([15, 16, 17, 18, 19]); // random, not the last rows
    expect(history.epochs[0]?.valLoss).toBeTypeOf('number');
  });

  it('the bestEpoch without validation is the one with the lowest training loss', () => {
    const { x, y } = line(30, 11);
    const model = linearModel();
    const history = fit(model, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      epochs: 5,
      batchSize: 30,
    });
    const losses = history.epochs.map((e) => e.loss);
    expect(history.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
  });
});

describe('fit: early stopping', () => {
  // Training pulls w from −1 towards 2; the validation data are the flat line y = 1, so valLoss
  // falls while w nears 0 and rises after it: it has a minimum in between.
  const setup = () => {
    const train = line(40, 12, 0.05);
    const g = new Generator(13);
    const xv = Array.from({ length: 20 }, () => 2 * g.uniform() - 1);
    const val = {
      x: tensor(xv, { shape: [20, 1] }),
      y: tensor(
        xv.map(() => 1),
        { shape: [20, 1] },
      ),
    };
    const model = linearModel(-1);
    const snapshots: number[][][] = [];
    const options: FitOptions = {
      x: train.x,
      y: train.y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      epochs: 100,
      batchSize: 8,
      validation: val,
      callbacks: { onEpochEnd: () => void snapshots.push(copy(model.parameters())) },
    };
    return { model, val, snapshots, options };
  };

  it('stops after patience epochs without improvement and restores the best weights', () => {
    const { model, val, snapshots, options } = setup();
    const history = fit(model, { ...options, earlyStopping: { patience: 3 } });
    expect(history.stoppedEarly).toBe(true);
    expect(history.stopReason).toBe('earlyStopping');
    const vals = history.epochs.map((e) => e.valLoss as number);
    const best = vals.indexOf(Math.min(...vals)) + 1;
    expect(history.bestEpoch).toBe(best);
    expect(best).toBeGreaterThan(1);
    expect(history.epochs).toHaveLength(best + 3);
    expect(copy(model.parameters())).toEqual(snapshots[best - 1]);
    expect(copy(model.parameters())).not.toEqual(snapshots.at(-1));
    expect(mse(model.forward(val.x), val.y).item()).toBeCloseTo(vals[best - 1] as number, 12);
  });

  it('keeps the last weights with restoreBest: false, and minDelta makes small gains not count', () => {
    const a = setup();
    const history = fit(a.model, {
      ...a.options,
      earlyStopping: { patience: 3, restoreBest: false },
    });
    expect(copy(a.model.parameters())).toEqual(a.snapshots.at(-1));
    // with a minDelta larger than the late improvements it stops earlier
    const b = setup();
    const strict = fit(b.model, { ...b.options, earlyStopping: { patience: 3, minDelta: 0.05 } });
    expect(strict.epochs.length).toBeLessThan(history.epochs.length);
  });

  it('can monitor the training loss', () => {
    const { model, options } = setup();
    const history = fit(model, {
      ...options,
      epochs: 200,
      earlyStopping: { monitor: 'loss', patience: 2, minDelta: 1e-3 },
    });
    expect(history.stoppedEarly).toBe(true);
    const losses = history.epochs.map((e) => e.loss);
    expect(history.bestEpoch).toBeLessThan(history.epochs.length);
    expect(losses[history.bestEpoch - 1]).toBeLessThan(0.1); // it learnt the line first
  });
});

describe('fit: callbacks and schedules', () => {
  it('calls onBatchEnd per batch, onEpochEnd per epoch and onTrainEnd once', () => {
    const { x, y } = line(10, 14);
    const onBatchEnd = vi.fn();
    const onEpochEnd = vi.fn();
    const onTrainEnd = vi.fn();
    const history = fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 3,
      batchSize: 4,
      callbacks: { onBatchEnd, onEpochEnd, onTrainEnd },
    });
    expect(onBatchEnd).toHaveBeenCalledTimes(9);
    expect(onBatchEnd.mock.calls.map(([b]) => [b.epoch, b.batch, b.batches])).toEqual([
      [1, 1, 3],
      [1, 2, 3],
      [1, 3, 3],
      [2, 1, 3],
      [2, 2, 3],
      [2, 3, 3],
      [3, 1, 3],
      [3, 2, 3],
      [3, 3, 3],
    ]);
    expect(onEpochEnd).toHaveBeenCalledTimes(3);
    expect(onEpochEnd.mock.calls.map(([log]) => log)).toEqual(history.epochs);
    expect(onTrainEnd).toHaveBeenCalledTimes(1);
    expect(onTrainEnd).toHaveBeenCalledWith(history);
  });

  it("stops when onEpochEnd returns 'stop'", () => {
    const { x, y } = line(10, 15);
    const onTrainEnd = vi.fn();
    const history = fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 10,
      callbacks: { onEpochEnd: (log) => (log.epoch === 3 ? 'stop' : undefined), onTrainEnd },
    });
    expect(history.epochs).toHaveLength(3);
    expect(history.stoppedEarly).toBe(true);
    expect(history.stopReason).toBe('callback');
    expect(onTrainEnd).toHaveBeenCalledTimes(1);
  });

  it('steps a schedule once per epoch; history records the lr each epoch used', () => {
    const { x, y } = line(10, 16);
    const model = linearModel();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const schedule = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    const history = fit(model, { x, y, loss: mse, optimizer, epochs: 5, batchSize: 3, schedule });
    expect(history.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(schedule.lastEpoch).toBe(5);
  });

  it('gives ReduceLROnPlateau the monitored loss: valLoss with validation data, else loss', () => {
    const { x, y } = line(20, 17);
    const val = line(10, 18);
    for (const validation of [val, undefined]) {
      const model = linearModel();
      const optimizer = new SGD(model.parameters(), { lr: 0.1 });
      const schedule = new ReduceLROnPlateau(optimizer, { patience: 0 });
      const step = vi.spyOn(schedule, 'step');
      const history = fit(model, {
        x,
        y,
        loss: mse,
        optimizer,
        epochs: 4,
        schedule,
        ...(validation ? { validation } : {}),
      });
      expect(step.mock.calls.map(([m]) => m)).toEqual(
        history.epochs.map((e) => (validation ? e.valLoss : e.loss)),
      );
    }
  });
});

describe('fit: progress display', () => {
  /** A sink that records what is written, with a clock that moves `tick` ms per reading. */
  const sink = (isTTY: boolean, tick = 1, every?: number) => {
    const out: string[] = [];
    let t = 0;
    return {
      out,
      progress: {
        write: (s: string) => out.push(s),
        isTTY,
        now: () => (t += tick),
        ...(every === undefined ? {} : { every }),
      },
    };
  };

  it('in a terminal draws a bar with loss, samples/s and ETA in place, at most 10 times a second', () => {
    const { x, y } = line(1000, 19);
    const { out, progress } = sink(true, 1); // 1 ms per clock reading: ~1 s per epoch
    fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 2,
      batchSize: 1,
      progress,
    });
    const text = out.join('');
    const bars = out.filter((s) => s.startsWith('\r') && s.includes('['));
    expect(bars.length).toBeGreaterThan(5);
    expect(bars.length).toBeLessThanOrEqual(2 * 11); // throttled: ≤ 10 a second, two ~1 s epochs
    expect(bars[1]).toMatch(
      /^\repoch 1\/2 \[=+> *\] +\d+\/1000 · loss [\d.e-]+ · \d+ samples\/s · ETA [\d.]+s/,
    );
    expect(text).toMatch(/epoch 1\/2 · loss [\d.e-]+ · lr 0\.01 · [\d.]+s · ETA [\d.]+s {0,}\n/);
    expect(text).toMatch(/epoch 2\/2 · loss [\d.e-]+ · lr 0\.01 · [\d.]+s *\n$/); // no ETA after the last
    expect(text.split('\n').filter((l) => l.length > 0)).toHaveLength(2);
  });

  it('when not a terminal writes no bar, only a summary line every ⌈epochs / 10⌉ epochs and the last', () => {
    const { x, y } = line(20, 20);
    const { out, progress } = sink(false);
    fitLinear({
      x,
      y,
      loss: mse,
      lr: 0.01,
      epochs: 25,
      batchSize: 4,
      validation: line(5, 21),
      metrics: { r2: r2Score },
      progress,
    });
    const text = out.join('');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('[');
    const lines = text.split('\n').filter((l) => l.length > 0);
    expect(lines.map((l) => l.match(/^epoch +(\d+)\//)?.[1])).toEqual([
      '3',
      '6',
      '9',
      '12',
      '15',
      '18',
      '21',
      '24',
      '25',
    ]);
    expect(lines[0]).toMatch(
      /^epoch +3\/25 · loss [\d.e-]+ · valLoss [\d.e-]+ · r2 [\d.e-]+ \(val [\d.e-]+\) · lr 0\.01 · /,
    );
  });

  it('says when it stopped early and which weights it restored', () => {
    const { x, y } = line(20, 22);
    const { out, progress } = sink(false, 1, 1);
    const model = linearModel(-1);
    const g = new Generator(23);
    const xv = Array.from({ length: 10 }, () => 2 * g.uniform() - 1);
    const history = fit(model, {
      x,
      y,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      epochs: 100,
      batchSize: 4,
      validation: {
        x: tensor(xv, { shape: [10, 1] }),
        y: tensor(
          xv.map(() => 1),
          { shape: [10, 1] },
        ),
      },
      earlyStopping: { patience: 2 },
      progress,
    });
    const text = out.join('');
    expect(text).toContain(
      `stopped early: valLoss has not improved by more than 0 for 2 epochs (best: epoch ${history.bestEpoch}`,
    );
    expect(text).toContain(`restored the weights of epoch ${history.bestEpoch}\n`);
  });

  it("is silent with progress: false, and with 'auto' (the default) unless stdout is a terminal", () => {
    const { x, y } = line(10, 24);
    const stdout = (globalThis as { process?: { stdout?: { write: unknown; isTTY?: boolean } } })
      .process?.stdout as { write: (s: string) => boolean; isTTY?: boolean };
    const write = vi.spyOn(stdout, 'write').mockImplementation(() => true);
    const wasTTY = stdout.isTTY;
    const run = (progress?: FitOptions['progress']) =>
      fitLinear({
        x,
        y,
        loss: mse,
        lr: 0.01,
        epochs: 2,
        ...(progress === undefined ? {} : { progress }),
      });
    try {
      stdout.isTTY = false;
      run();
      run('auto');
      run(false);
      expect(write).not.toHaveBeenCalled();
      run(true); // asked for: plain lines
      expect(write.mock.calls.map(([s]) => s).join('')).toMatch(/^epoch 1\/2 .*\nepoch 2\/2 .*\n$/);
      write.mockClear();
      stdout.isTTY = true;
      run();
      expect(write.mock.calls.map(([s]) => s).join('')).toMatch(/\repoch 1\/2 \[/);
      write.mockClear();
      stdout.isTTY = true;
      run(false);
      expect(write).not.toHaveBeenCalled();
    } finally {
      stdout.isTTY = wasTTY;
      write.mockRestore();
    }
  });

  it('leaves a bar on its own line when training fails', () => {
    const { x, y } = line(10, 25);
    const { out, progress } = sink(true, 200);
    let calls = 0;
    const loss = (p: Tensor, t: Tensor) => {
      const l = mse(p, t);
      // 0 / 0: NaN at the third training batch (the initial loss, without a graph, is not counted)
      return isGradEnabled() && ++calls === 3 ? l.sub(l).div(0) : l;
    };
    expect(() =>
      fitLinear({
        x,
        y,
        loss,
        lr: 0.01,
        epochs: 1,
        batchSize: 1,
        progress,
      }),
    ).toThrow(NonFiniteError);
    expect(out.at(-1)).toBe('\n');
  });
});

describe('fit: errors for people', () => {
  const { x, y } = line(10, 26);
  const base = (): FitOptions => {
    const model = linearModel();
    return { x, y, loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 1 };
  };
  const run = (options: Partial<FitOptions> & Record<string, unknown>, model?: Linear) => {
    const b = base();
    const m = model ?? linearModel();
    return () =>
      fit(m, { ...b, optimizer: new SGD(m.parameters(), { lr: 0.01 }), ...options } as FitOptions);
  };

  it('x and y with different numbers of rows', () => {
    expect(run({ y: y.gather([0, 1, 2]) })).toThrow(ShapeError);
    expect(run({ y: y.gather([0, 1, 2]) })).toThrow(
      'fit: x has 10 rows (samples) but y has 3; they must match (x [10, 1], y [3, 1])',
    );
    expect(run({ validation: { x, y: y.gather([0]) } })).toThrow(
      /validation.x has 10 rows \(samples\) but validation.y has 1/,
    );
    expect(run({ x: 3 })).toThrow(/x is a scalar; it needs a sample axis/);
  });

  it('model output vs target shape: the loss says, before any step, with both shapes', () => {
    const flat = tensor(Array.from(y.data)); // [10], the model gives [batch, 1]
    expect(run({ y: flat, batchSize: 4 })).toThrow(ShapeError);
    // the initial loss (divergenceFactor's reference) meets it first, before a weight changes
    expect(run({ y: flat, batchSize: 4 })).toThrow(
      /^fit: before training: .*mse.*\(the model's output has shape \[4, 1\], the targets \[4\]: give y the model's output shape\)$/s,
    );
    expect(run({ x: tensor([[1, 2]]).gather(Array(10).fill(0)) })).toThrow(
      /^fit: before training: Linear\(1 → 1\): expected input with 1 features/,
    );
    // without that pass, the first batch meets it
    expect(run({ y: flat, batchSize: 4, divergenceFactor: Number.POSITIVE_INFINITY })).toThrow(
      /^fit: epoch 1, batch 1\/3: .*mse.*\(the model's output has shape \[4, 1\], the targets \[4\]: give y the model's output shape\)$/s,
    );
  });

  it('a loss that is NaN at the initial weights is named before any step, with its rows', () => {
    const model = linearModel();
    const before = copy(model.parameters());
    const loss = (p: Tensor, t: Tensor) => (isGradEnabled() ? mse(p, t) : mse(p, t).div(0).mul(0));
    expect(() =>
      fit(model, {
        ...base(),
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss,
        batchSize: 4,
      }),
    ).toThrow(
      /^fit: before training: the loss is NaN at the initial weights on the training samples of rows 0…3, before any step: check x, y and the model's initial weights, or use detectAnomaly/,
    );
    expect(copy(model.parameters())).toEqual(before);
  });

  it('epochs and batchSize must be positive integers', () => {
    for (const epochs of [0, -1, 1.5, Number.NaN]) {
      expect(run({ epochs })).toThrow(ValueError);
      expect(run({ epochs })).toThrow(`fit: epochs must be an integer ≥ 1, got ${epochs}`);
    }
    for (const batchSize of [0, -4, 2.5]) {
      expect(run({ batchSize })).toThrow(
        `fit: batchSize must be an integer ≥ 1 (1 for per-sample SGD), got ${batchSize}`,
      );
    }
  });

  it('a loss that turns NaN names the epoch, batch and sample and suggests what to do', () => {
    let calls = 0;
    const loss = (p: Tensor, t: Tensor) => {
      const l = mse(p, t);
      return isGradEnabled() && ++calls === 7 ? l.sub(l).div(0) : l; // 0 / 0 at a training batch
    };
    const fails = run({ loss, batchSize: 4, epochs: 5 });
    expect(fails).toThrow(NonFiniteError);
    calls = 0;
    expect(fails).toThrow(
      /^fit: epoch 3, batch 1\/3 \(4 samples, first \d\): the loss is NaN\. Training diverged: try a lower learning rate \(lr is 0\.01\) or clipGradNorm, and find the first op that made a non-finite value with detectAnomaly\(\(\) => fit\(model, options\)\)$/,
    );
    // a real divergence: far too large a learning rate; by default the loss's growth past
    // 1e6 × the initial loss stops it at epoch 1, and without that rule it runs on to overflow
    const model = linearModel();
    const tooFast = (options: Partial<FitOptions>) => () =>
      fit(model, {
        ...base(),
        optimizer: new SGD(model.parameters(), { lr: 1e6 }),
        epochs: 50,
        batchSize: 1,
        ...options,
      });
    expect(tooFast({})).toThrow(/^fit: epoch 1: the loss [\d.e+]+ is more than divergenceFactor/);
    expect(tooFast({ divergenceFactor: Number.POSITIVE_INFINITY })).toThrow(
      /^fit: epoch \d+, batch \d+\/10 \(sample \d\): the loss is (NaN|Infinity)\. .*lr is 1000000/,
    );
  });

  it('names bad options', () => {
    expect(run({ batch_size: 4 })).toThrow(
      /^fit: unknown option "batch_size" \(did you mean "batchSize"\?\); it takes x, y, loss/,
    );
    expect(run({ loss: 'mse' as never })).toThrow(/fit: loss must be a function/);
    expect(run({ optimizer: {} as never })).toThrow(/fit: optimizer must be an optimiser/);
    expect(run({ validationSplit: 1 })).toThrow(/validationSplit must be a fraction in \(0, 1\)/);
    expect(run({ validationSplit: 0.99 })).toThrow(
      'fit: validationSplit 0.99 of 10 samples leaves 0 for training and 10 for validation; each needs at least 1',
    );
    expect(run({ validationSplit: 0.2, validation: { x, y } })).toThrow(
      'fit: give validation or validationSplit, not both',
    );
    expect(run({ earlyStopping: { monitor: 'valLoss' } })).toThrow(
      /earlyStopping monitors 'valLoss' but there is no validation data/,
    );
    expect(run({ earlyStopping: { patience: 0, monitor: 'loss' } })).toThrow(
      /earlyStopping.patience must be an integer ≥ 1/,
    );
    expect(run({ earlyStopping: { wait: 2 } as never })).toThrow(
      /earlyStopping: unknown option "wait"/,
    );
    expect(run({ metrics: { r2: 1 } as never })).toThrow(/metric "r2" must be a function/);
    expect(run({ callbacks: { onEpochStart: () => {} } as never })).toThrow(
      /unknown callback "onEpochStart"/,
    );
    expect(run({ clipGradNorm: 0 })).toThrow(/clipGradNorm must be a number > 0/);
    expect(run({ progress: { write: (s: string) => s, colour: true } as never })).toThrow(
      /progress: unknown option "colour"/,
    );
    const other = new SGD(linearModel().parameters(), { lr: 0.1 });
    expect(run({ schedule: new StepLR(other, { stepSize: 1 }) })).toThrow(
      /the schedule drives another optimiser/,
    );
    expect(() => fit(linearModel(), { ...base() })).toThrow(
      /the optimiser holds none of the model's parameters/,
    );
    expect(() => fit({} as never, base())).toThrow(
      /the model must have forward\(x\) and parameters\(\)/,
    );
  });

  it('lists every option it takes, in the order of FitOptions, EarlyStoppingOptions, FitCallbacks and ProgressOptions', () => {
    expect(run({ batch_size: 4 })).toThrow(
      'fit: unknown option "batch_size" (did you mean "batchSize"?); it takes x, y, loss, optimizer, epochs, batchSize, shuffle, seed, generator, validation, validationSplit, metrics, earlyStopping, schedule, clipGradNorm, clipPerSampleGradNorm, divergenceFactor, callbacks, progress, compile',
    );
    expect(run({ earlyStopping: { wait: 2 } as never })).toThrow(
      'fit: earlyStopping: unknown option "wait"; it takes monitor, patience, minDelta, restoreBest',
    );
    expect(run({ callbacks: { onEpochStart: () => {} } as never })).toThrow(
      'fit: unknown callback "onEpochStart"; the callbacks are onBatchEnd, onEpochEnd, onTrainEnd',
    );
    expect(run({ progress: { colour: true } as never })).toThrow(
      'fit: progress: unknown option "colour"; it takes write, isTTY, every, now',
    );
  });

  it('checks the options in the order of FitOptions: the first wrong one is the error', () => {
    const model = linearModel();
    expect(() => fit(model, {} as FitOptions)).toThrow('fit: x is required');
    expect(run({ loss: 'mse' as never, epochs: 0 })).toThrow(/^fit: loss must be a function/);
    expect(run({ epochs: 0, clipGradNorm: -1 })).toThrow(/^fit: epochs must be an integer/);
  });

  it('defaults: batches of 32 in a new random order each epoch; undefined means the default', () => {
    const n = 40;
    const data = line(n, 3);
    const seen: { batches: number; indices: readonly number[] }[] = [];
    const model = linearModel();
    fit(model, {
      ...data,
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 1,
      batchSize: undefined,
      shuffle: undefined,
      progress: undefined,
      compile: undefined,
      callbacks: { onBatchEnd: ({ batches, indices }) => seen.push({ batches, indices }) },
    });
    expect(seen.map((s) => [s.batches, s.indices.length])).toEqual([
      [2, 32],
      [2, 8],
    ]);
    expect(seen[0]?.indices).toEqual(shuffleIndices(n, { seed: 0 }).slice(0, 32));
  });

  it('a loss that is not a scalar, non-finite data, and a metric that returns no number', () => {
    expect(run({ loss: (p: Tensor, t: Tensor) => mse(p, t, { reduction: 'none' }) })).toThrow(
      /the loss must return a one-element tensor, got shape \[10, 1\] \(reduce it/,
    );
    const bad = tensor(Array.from(x.data), { shape: [10, 1] });
    bad.data[7] = Number.NaN;
    expect(run({ x: bad })).toThrow('fit: x holds NaN in row 7; the data must be finite');
    expect(run({ metrics: { oops: () => 'high' as never } })).toThrow(
      /metric "oops" returned "high", not a number/,
    );
  });
});

describe('fit: divergence keeps what was learnt', () => {
  /** What `fn` throws (undefined if it returns). */
  function thrownBy(fn: () => unknown): unknown {
    try {
      fn();
    } catch (e) {
      return e;
    }
    return undefined;
  }

  /** Trains a linear model well for 3 epochs, then with a learning rate that overflows. */
  function diverging(restoreBest: boolean) {
    const { x, y } = line(20, 4);
    const model = linearModel();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const snapshots: number[][][] = [];
    const run = () =>
      fit(model, {
        x,
        y,
        loss: mse,
        optimizer,
        epochs: 10,
        batchSize: 5,
        seed: 0,
        earlyStopping: { patience: 10, monitor: 'loss', restoreBest },
        callbacks: {
          onEpochEnd: (log) => {
            snapshots.push(copy(model.parameters()));
            if (log.epoch === 3) optimizer.paramGroups[0]!.lr = 1e200; // the next step overflows
          },
        },
      });
    return { model, snapshots, run };
  }

  it('restores the best weights (when asked) and hands over the history with the error', () => {
    const { model, snapshots, run } = diverging(true);
    const error = thrownBy(run);
    expect(error).toBeInstanceOf(NonFiniteError);
    const history = (error as NonFiniteError & { history?: History }).history;
    expect(history?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(history?.bestEpoch).toBe(3); // the loss fell in each of the good epochs
    expect(copy(model.parameters())).toEqual(snapshots[2]); // the weights after epoch 3
    expect((error as Error).message).toMatch(
      /Training diverged: .* The weights of epoch 3 \(the best loss\) were restored; error\.history holds the 3 epochs before\.$/,
    );
  });

  it('without restoreBest leaves the weights as they were, and still hands over the history', () => {
    const { run } = diverging(false);
    const error = thrownBy(run);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as { history?: History }).history?.epochs).toHaveLength(3);
  });

  it('a NaN gradient with a finite loss stops training before the step, weights untouched', () => {
    const { x, y } = line(10, 5);
    const model = linearModel(0.5);
    const before = copy(model.parameters());
    // sqrt at 0: the value 0 is finite, its derivative 1/(2·0) is not; p − p makes ∞ − ∞ = NaN
    const loss = (p: Tensor, t: Tensor) => mse(p, t).add(p.sub(p).sqrt().sum());
    expect(() =>
      fit(model, {
        x,
        y,
        loss,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        epochs: 2,
        batchSize: 5,
        seed: 0,
      }),
    ).toThrow(
      /^fit: epoch 1, batch 1\/2 \(5 samples, first \d\): the loss is [\d.e+-]+ but the gradient of parameter 0 \(shape \[1, 1\]\) holds NaN\. Training diverged: /,
    );
    expect(copy(model.parameters())).toEqual(before);
  });
});

describe('fit: a loss that explodes while staying finite is divergence (issue 18)', () => {
  /** An MLP on y = 2x + 1 with Adam at `lr`, for 20 epochs of 4 batches. */
  function adamRun(lr: number, extra: Partial<FitOptions> = {}) {
    const { x, y } = line(64, 9);
    const model = new MLP({ inputs: 1, hidden: [8], outputs: 1, seed: 3 });
    const initial = mse(model.forward(x), y).item(); // the loss before any step
    const run = () =>
      fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new Adam(model.parameters(), { lr }),
        epochs: 20,
        batchSize: 16,
        seed: 0,
        ...extra,
      });
    return { initial, run, model };
  }

  it('stops Adam at lr 1e6 at the first epoch whose loss passes 1e6 × the initial loss', () => {
    const { initial, run } = adamRun(1e6);
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergenceError);
    const e = error as DivergenceError;
    expect(e.message).toMatch(
      /^fit: epoch 1: the loss [\d.e+]+ is more than divergenceFactor \(1000000\) × the loss at the initial weights, [\d.e+-]+\. Training diverged: try a lower learning rate \(lr is 1000000\) or clipGradNorm, or raise divergenceFactor$/,
    );
    expect(e.history.epochs).toEqual([]);
    expect(e.history.initialLoss).toBeCloseTo(initial, 12);
  });

  it('lets a run that recovers finish (Adam at lr 10 spikes to ~300× and comes back)', () => {
    const { initial, run } = adamRun(10);
    const history = run();
    const worst = Math.max(...history.epochs.map((e) => e.loss));
    expect(worst / initial).toBeGreaterThan(100); // it did spike, well below 1e6×
    expect(history.epochs.at(-1)!.loss).toBeLessThan(initial);
    expect(history.initialLoss).toBeCloseTo(initial, 12);
  });

  it('is off with divergenceFactor: Infinity, and the option is checked', () => {
    const { run } = adamRun(1e6, { divergenceFactor: Number.POSITIVE_INFINITY });
    const history = run();
    expect(history.epochs).toHaveLength(20);
    expect(history.initialLoss).toBeUndefined(); // not computed when nothing uses it
    for (const bad of [1, 0.5, -1, Number.NaN, '1e6']) {
      expect(() => adamRun(1, { divergenceFactor: bad as number }).run()).toThrow(
        /^fit: divergenceFactor must be a number > 1 \(or Infinity to turn the check off\), got /,
      );
    }
  });
});

describe('fit: a metric that throws', () => {
  it('keeps the epoch in the message, whatever the error is, and the error itself', () => {
    const { x, y } = line(10, 6);
    const model = linearModel();
    const bug = new TypeError("Cannot read properties of undefined (reading 'length')");
    const run = () =>
      fit(model, {
        x,
        y,
        loss: mse,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        epochs: 2,
        batchSize: 5,
        seed: 0,
        metrics: {
          broken: () => {
            throw bug;
          },
        },
      });
    expect(run).toThrow(TypeError);
    expect(run).toThrow(
      /^fit: epoch 1, metric "broken": Cannot read properties of undefined \(reading 'length'\)$/,
    );
  });
});
