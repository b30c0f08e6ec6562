// One network, its data and its optimiser, trained step by step inside the worker: per-sample SGD
// (the lecture's, p. 10) with batch size 1, minibatches otherwise; snapshots for the page.
import { Generator, noGrad, type Tensor } from '@backprop/core';
import { type MLP, type SavedModel, toJSON } from '@backprop/layers';
import { Adam, SGD, shuffleIndices } from '@backprop/optim';
import { checkConfig, type PlaygroundConfig } from './config.js';
import { checkData, type PlaygroundData } from './data.js';
import { PlaygroundError } from './errors.js';
import { sampleGraph } from './graph.js';
import { inspectNeuron } from './inspect-neuron.js';
import { inspectWeight } from './inspect-weight.js';
import type { NeuronInspection, WeightInspection } from './inspections.js';
import {
  batchError,
  buildNetwork,
  keepingGrads,
  LOSS_NAMES,
  type Prepared,
  predict,
  prepare,
} from './network.js';
import type { Split } from './protocol.js';
import type { GradientNorm, Snapshot } from './snapshot.js';
import { surfaceOf, yyPointsOf } from './surface.js';

/** Momentum of the 'momentum' optimiser: the usual 0.9. */
export const MOMENTUM = 0.9;
/** The most loss-history entries a snapshot carries; older ones are thinned out beyond it. */
export const HISTORY_LIMIT = 2000;

function optimizerFor(config: PlaygroundConfig, params: Tensor[]): SGD | Adam {
  const { lr } = config;
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum: MOMENTUM });
    case 'adam':
      return new Adam(params, { lr });
  }
}

/**
 * The playground's training session: `new Session(config, data)`, then `step(n)` and
 * `snapshot()`; click-throughs with `inspectWeight`, `inspectNeuron` and `graph`.
 * @example
 * const session = new Session(DEFAULT_CONFIG, toyDataset('xor', DEFAULT_CONFIG));
 * // 300 per-sample SGD steps (p. 10), each returning its sample's E
 * const errors = session.step(300);
 * const { step, history } = session.snapshot();
 * console.log(step, errors.length, history.step); // → 300 300 [ 0, 300 ]
 * // click w⁽⁰⁾₁,₂: p. 14's formula, as autodiff computes it
 * const { page, difference } = session.inspectWeight(0, 1, 2, 0);
 * console.log(page, (difference as number) < 1e-12); // → 14 true
 */
export class Session {
  /** The checked config. */
  readonly config: PlaygroundConfig;
  /** The data as given (the page's units). */
  readonly data: PlaygroundData;
  /** The network being trained. */
  readonly model: MLP;
  /** Which samples train and which validate. */
  readonly split: Split;
  private readonly prepared: Prepared;
  private readonly optimizer: SGD | Adam;
  private readonly order: Generator;
  private epoch: number[] = [];
  private cursor = 0;
  private steps = 0;
  private samplesSeen = 0;
  private lastBatch: number[] = [];
  private recordedAt = -1;
  private readonly history: Snapshot['history'] = { step: [], train: [], validation: [] };
  private accuracy: Snapshot['accuracy'] = null;
  private diverged: string | null = null;
  /** The weights at the last recorded step whose losses were finite: where a divergence goes back to. */
  private good = { weights: [] as Float64Array[], step: 0, samplesSeen: 0 };

  constructor(config: PlaygroundConfig, data: PlaygroundData) {
    this.config = checkConfig(config);
    this.data = checkData(data);
    this.model = buildNetwork(this.config, data);
    this.prepared = prepare(this.config, data);
    this.split = this.prepared.split;
    this.optimizer = optimizerFor(this.config, this.model.parameters());
    this.order = new Generator(this.config.seed);
    this.record();
  }

  /** Optimiser steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * n optimiser steps, each on the next `batchSize` training samples (reshuffled every epoch).
   * Returns each step's loss (before its update). A loss or weight that stops being finite ends
   * training: the weights (and the step count) go back to those of the last snapshot, whose losses
   * were finite, and a PlaygroundError says what happened; later steps refuse until a new session
   * (reset).
   */
  step(n = 1): number[] {
    if (!Number.isInteger(n) || n < 0) {
      throw new PlaygroundError(`step: expected a whole number of steps ≥ 0; got ${n}`);
    }
    const losses: number[] = [];
    for (let s = 0; s < n; s++) losses.push(this.stepOnce());
    return losses;
  }

  private stepOnce(): number {
    if (this.diverged !== null) throw new PlaygroundError(this.diverged);
    const { x, y } = this.prepared;
    const batch = this.nextBatch();
    this.model.zeroGrad();
    const E = batchError(
      this.model,
      batch.map((s) => x[s] as number[]),
      batch.map((s) => y[s] as number),
    );
    const loss = E.item();
    if (Number.isFinite(loss)) {
      E.backward();
      this.optimizer.step();
    }
    const params = this.model.parameters();
    if (!Number.isFinite(loss) || !params.every((p) => p.data.every(Number.isFinite))) {
      const what = Number.isFinite(loss) ? 'the weights' : `the loss (${loss})`;
      this.diverge(
        `training diverged at step ${this.steps + 1}: ${what} stopped being a finite number`,
      );
    }
    this.steps++;
    this.samplesSeen += batch.length;
    this.lastBatch = batch;
    return loss;
  }

  /**
   * Puts back the weights of the last recorded (finite) losses, so every snapshot stays finite,
   * and refuses further steps with the reason.
   */
  private diverge(what: string): never {
    const { weights, step, samplesSeen } = this.good;
    this.model.parameters().forEach((p, n) => {
      p.data.set(weights[n] as ArrayLike<number>);
      p.markChanged();
    });
    this.model.zeroGrad(); // its ∂E/∂w are not finite either: the snapshot shows none
    this.steps = step;
    this.samplesSeen = samplesSeen;
    this.lastBatch = [];
    this.recordedAt = step;
    this.diverged = `${what} with learning rate ${this.config.lr}. The weights are back to those of step ${step}. Lower the learning rate and reset.`;
    throw new PlaygroundError(this.diverged);
  }

  /** The next batch of training samples; a fresh shuffle at every epoch. */
  private nextBatch(): number[] {
    const { train } = this.prepared.split;
    const batch: number[] = [];
    const size = Math.min(this.config.batchSize, train.length);
    while (batch.length < size) {
      if (this.cursor >= this.epoch.length) {
        this.epoch = shuffleIndices(train.length, { generator: this.order }).map(
          (t) => train[t] as number,
        );
        this.cursor = 0;
      }
      batch.push(this.epoch[this.cursor++] as number);
    }
    return batch;
  }

  /** Appends the mean training and validation losses (and accuracy) at the current step. */
  private record(): void {
    if (this.recordedAt === this.steps) return;
    this.recordedAt = this.steps;
    const { x, y, split } = this.prepared;
    const meanError = (rows: number[]) =>
      noGrad(() =>
        batchError(
          this.model,
          rows.map((s) => x[s] as number[]),
          rows.map((s) => y[s] as number),
        ).item(),
      );
    const train = meanError(split.train);
    const validation = split.validation.length > 0 ? meanError(split.validation) : 0;
    if (!Number.isFinite(train) || !Number.isFinite(validation)) {
      // every step's loss was finite, the whole set's is not: diverged all the same
      try {
        this.diverge(
          `training diverged by step ${this.steps}: the mean loss stopped being a finite number`,
        );
      } catch {
        return; // snapshot() shows the weights put back; the next step() says why
      }
    }
    this.good = {
      weights: this.model.parameters().map((p) => Float64Array.from(p.data)),
      step: this.steps,
      samplesSeen: this.samplesSeen,
    };
    const h = this.history;
    h.step.push(this.steps);
    h.train.push(train);
    if (split.validation.length > 0) h.validation.push(validation);
    if (h.step.length > HISTORY_LIMIT) {
      // keep every other entry, the first (the starting loss) and the newest always: the curve
      // keeps its shape at half the points
      const keep = (_: number, n: number, all: number[]) => n % 2 === 0 || n === all.length - 1;
      h.step = h.step.filter(keep);
      h.train = h.train.filter(keep);
      h.validation = h.validation.filter(keep);
    }
    if (this.data.task === 'classification') {
      const right = (rows: number[]) => {
        const out = predict(
          this.model,
          rows.map((s) => x[s] as number[]),
        );
        const hits = rows.filter((s, r) => classOf(out[r] as number[]) === this.data.y[s]).length;
        return hits / rows.length;
      };
      this.accuracy = {
        train: right(split.train),
        validation: split.validation.length > 0 ? right(split.validation) : null,
      };
    }
  }

  /**
   * Everything the page draws, now (see `Snapshot`): records the losses first when steps were
   * taken since the last snapshot.
   */
  snapshot(extra: { running?: boolean; stepsPerSecond?: number | null } = {}): Snapshot {
    this.record();
    const model = this.model;
    const k = model.numHidden;
    const weights: number[][][] = [];
    const gradients: number[][][] = [];
    const gradientNorms: GradientNorm[] = [];
    for (let j = 0; j <= k; j++) {
      weights.push(model.slideWeights(j).toArray() as number[][]);
      const g = model.slideGradients(j);
      if (g) {
        const rows = g.toArray() as number[][];
        gradients.push(rows);
        const norm = Math.sqrt(rows.flat().reduce((sum, v) => sum + v * v, 0));
        gradientNorms.push({ j, d: k - j, norm, bound: 0.25 ** (k - j) });
      }
    }
    const has = gradients.length === k + 1;
    const h = this.history;
    return {
      step: this.steps,
      samplesSeen: this.samplesSeen,
      lastBatch: [...this.lastBatch],
      running: extra.running ?? false,
      stepsPerSecond: extra.stepsPerSecond ?? null,
      history: { step: [...h.step], train: [...h.train], validation: [...h.validation] },
      accuracy: this.accuracy,
      lossName: LOSS_NAMES[this.config.output],
      sizes: [model.config.inputs, ...model.config.hidden, model.config.outputs],
      weights,
      gradients: has ? gradients : null,
      gradientNorms: has ? gradientNorms : [],
      surface: surfaceOf(model, this.data, this.prepared),
      yy: yyPointsOf(model, this.data, this.prepared),
    };
  }

  /** The sample s (0-based index into the data) as the network sees it. */
  private sample(what: string, s: number): { x: number[]; y: number } {
    const n = this.data.x.length;
    if (!Number.isInteger(s) || s < 0 || s >= n) {
      throw new PlaygroundError(`${what}: sample must be an index from 0 to ${n - 1}; got ${s}`);
    }
    return { x: this.prepared.x[s] as number[], y: this.prepared.y[s] as number };
  }

  /** ∂E/∂w⁽ʲ⁾ₚ,ᵢ (i 1-based) for sample s: the slide's formula with its numbers, autodiff, a central difference. */
  inspectWeight(j: number, p: number, i: number, s: number): WeightInspection {
    const { x, y } = this.sample('inspectWeight', s);
    return keepingGrads(this.model, () => inspectWeight(this.model, { j, p, i }, s, x, y));
  }

  /** ∂E/∂a⁽ʲ⁾ᵢ of hidden neuron i (1-based) of layer j = 1..k for sample s. */
  inspectNeuron(j: number, i: number, s: number): NeuronInspection {
    const { x, y } = this.sample('inspectNeuron', s);
    return keepingGrads(this.model, () => inspectNeuron(this.model, { j, i }, s, x, y));
  }

  /** Sample s's forward pass and its backward (∂E/∂ of every node) as a Mermaid flowchart. */
  graph(s: number): string {
    const { x, y } = this.sample('graph', s);
    return keepingGrads(this.model, () => sampleGraph(this.model, x, y));
  }

  /** The network as layers' `toJSON` document: `fromJSON` loads it (it expects the scaled inputs). */
  exportModel(): SavedModel {
    return toJSON(this.model);
  }
}

/** The class an output row stands for: sign of y_E for ±1 codes, else the most probable class. */
export function classOf(row: readonly number[]): number {
  if (row.length === 1) return (row[0] as number) >= 0 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
  return best;
}
