// Learning-rate schedules: each sets the `lr` of every parameter group of an optimiser, from the
// group's lr at construction (its base lr) and the number of schedule steps, by PyTorch's closed forms.
import { echoValue, Tensor, ValueError } from '@backprop/core';
import {
  checkNonNegative,
  checkNumber,
  checkOptions,
  checkPositive,
  definedEntries,
  Optimizer,
  optionNames,
} from './optimizer.js';

// biome-ignore lint/suspicious/noExplicitAny: a schedule works with every optimiser's options
type AnyOptimizer = Optimizer<any>;

/** A JSON-able snapshot of an epoch-based schedule. */
export interface SchedulerState {
  /** The schedule's class name; `loadState` refuses a snapshot of another. */
  scheduler: string;
  /** The number of `step()` calls so far. */
  lastEpoch: number;
  /** Each group's lr when the schedule was created. */
  baseLrs: number[];
}

/**
 * The base of the epoch-based schedules. Construction sets every group's lr to its value at
 * epoch 0; each `step()` (usually once per epoch, after `optimizer.step()`) advances one epoch and
 * sets lr = f(base lr, epoch). Being closed forms, they overwrite any other change to lr: use one
 * schedule per optimiser.
 */
export abstract class LRScheduler {
  /** The optimiser whose groups' lr it sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's lr when the schedule was created. */
  readonly baseLrs: readonly number[];
  /** The number of `step()` calls so far (PyTorch's `last_epoch`). */
  lastEpoch = 0;
  private readonly name: string;
  private readonly lrAt: (baseLr: number, epoch: number) => number;

  protected constructor(
    name: string,
    optimizer: AnyOptimizer,
    lrAt: (baseLr: number, epoch: number) => number,
  ) {
    checkOptimizer(name, optimizer);
    this.name = name;
    this.optimizer = optimizer;
    this.baseLrs = Object.freeze(optimizer.paramGroups.map((g) => g.lr));
    this.lrAt = lrAt;
    this.apply();
  }

  /** Advances one epoch and sets every group's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  /** The lr of each group now. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** A JSON snapshot of the schedule (its epoch and base lrs), for `loadState`. */
  state(): SchedulerState {
    return { scheduler: this.name, lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores a snapshot of a schedule of the same kind (and sets the lrs for its epoch). */
  loadState(snapshot: SchedulerState): void {
    const where = `${this.name}.loadState()`;
    if (snapshot?.scheduler !== this.name) {
      throw new ValueError(
        `${where}: the snapshot is of ${echoValue(snapshot?.scheduler)}, not ${this.name}`,
      );
    }
    checkCount(where, 'lastEpoch', snapshot.lastEpoch);
    if (!Array.isArray(snapshot.baseLrs) || snapshot.baseLrs.length !== this.baseLrs.length) {
      throw new ValueError(
        `${where}: the snapshot has ${Array.isArray(snapshot.baseLrs) ? snapshot.baseLrs.length : 'no'} base lr(s); the optimiser has ${this.baseLrs.length} group(s)`,
      );
    }
    snapshot.baseLrs.forEach((lr, i) => {
      checkNonNegative(where, `baseLrs[${i}]`, lr);
    });
    (this as { baseLrs: readonly number[] }).baseLrs = Object.freeze([...snapshot.baseLrs]);
    this.lastEpoch = snapshot.lastEpoch;
    this.apply();
  }

  private apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i], this.lastEpoch);
    });
  }
}

/**
 * Multiplies lr by γ every `stepSize` epochs: lr = base · γ^⌊epoch / stepSize⌋ (`torch.optim.lr_scheduler.StepLR`).
 * @example
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   lrs.push(opt.paramGroups[0].lr); // train with it (fit, or your own loop)
 *   schedule.step();
 * }
 * console.log(lrs[29], lrs[30], lrs[60] === 0.1 ** 2); // → 1 0.1 true
 */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    const where = 'StepLR';
    checkOptions(where, options, optionNames<typeof options>({ stepSize: true, gamma: true }));
    const { stepSize, gamma = 0.1 } = options;
    checkCount(where, 'stepSize', stepSize, 1);
    checkPositive(where, 'gamma', gamma);
    super(where, optimizer, (base, t) => base * gamma ** Math.floor(t / stepSize));
  }
}

/** Multiplies lr by γ every epoch: lr = base · γ^epoch (`ExponentialLR`). */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    const where = 'ExponentialLR';
    checkOptions(where, options, optionNames<typeof options>({ gamma: true }));
    checkPositive(where, 'gamma', options.gamma);
    const { gamma } = options;
    super(where, optimizer, (base, t) => base * gamma ** t);
  }
}

/**
 * Cosine annealing from the base lr down to `etaMin` over `tMax` epochs (`CosineAnnealingLR`):
 * lr = ηmin + (base − ηmin)(1 + cos(π · epoch / tMax)) / 2. After tMax it rises again (period 2·tMax).
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    const where = 'CosineAnnealingLR';
    checkOptions(where, options, optionNames<typeof options>({ tMax: true, etaMin: true }));
    const { tMax, etaMin = 0 } = options;
    checkCount(where, 'tMax', tMax, 1);
    checkNonNegative(where, 'etaMin', etaMin);
    super(
      where,
      optimizer,
      (base, t) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2,
    );
  }
}

/**
 * Scales lr linearly from `startFactor` · base to `endFactor` · base over `totalIters` epochs, then
 * keeps it (`LinearLR`); with `endFactor` 1 this is linear warm-up:
 * lr = base · (s + (e − s) · min(epoch, totalIters) / totalIters).
 * @example
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }); // 10 % → 100 % in 5 epochs
 * const lrs: string[] = [];
 * for (let epoch = 0; epoch < 7; epoch++) {
 *   lrs.push(opt.paramGroups[0].lr.toFixed(2));
 *   warmup.step();
 * }
 * console.log(lrs.join(' ')); // → 0.10 0.28 0.46 0.64 0.82 1.00 1.00
 */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    const where = 'LinearLR';
    checkOptions(
      where,
      options,
      optionNames<typeof options>({ startFactor: true, endFactor: true, totalIters: true }),
    );
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    checkNumber(where, 'startFactor', startFactor);
    if (startFactor <= 0 || startFactor > 1) {
      throw new ValueError(`${where}: startFactor must be in (0, 1], got ${startFactor}`);
    }
    checkNumber(where, 'endFactor', endFactor);
    if (endFactor < 0 || endFactor > 1) {
      throw new ValueError(`${where}: endFactor must be in [0, 1], got ${endFactor}`);
    }
    checkCount(where, 'totalIters', totalIters, 1);
    super(
      where,
      optimizer,
      (base, t) =>
        base * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, t)) / totalIters),
    );
  }
}

/** Options of `new ReduceLROnPlateau(optimizer, options)`. */
export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** lr ← lr · factor on a plateau, in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before lr is reduced. Default 10. */
  patience?: number;
  /** What counts as an improvement (see thresholdMode). Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best · (1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted. Default 0. */
  cooldown?: number;
  /** The lowest lr, for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than this is not applied. Default 1e-8. */
  eps?: number;
}

/** PyTorch's defaults; their names are the options ReduceLROnPlateau takes. */
const PLATEAU_DEFAULTS = {
  mode: 'min',
  factor: 0.1,
  patience: 10,
  threshold: 1e-4,
  thresholdMode: 'rel',
  cooldown: 0,
  minLr: 0,
  eps: 1e-8,
} satisfies Required<ReduceLROnPlateauOptions>;

/** A JSON-able snapshot of a ReduceLROnPlateau; `best` is null before the first metric. */
export interface PlateauState {
  /** Always 'ReduceLROnPlateau': what the snapshot is of. */
  scheduler: 'ReduceLROnPlateau';
  /** The number of `step(metric)` calls so far. */
  lastEpoch: number;
  /** The best metric so far. */
  best: number | null;
  /** Epochs in a row without improvement. */
  numBadEpochs: number;
  /** Epochs of cooldown left. */
  cooldownCounter: number;
}

/**
 * Reduces lr when a metric stops improving (`torch.optim.lr_scheduler.ReduceLROnPlateau`): after
 * more than `patience` epochs without improvement, every group's lr ← max(lr · factor, minLr).
 * @example
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const plateau = new ReduceLROnPlateau(opt, { patience: 5 });
 * // a validation loss that improves for 3 epochs, then stays
 * const validationLoss = [3, 2, 1, 1, 1, 1, 1, 1, 1, 1];
 * const lrs = validationLoss.map((loss) => {
 *   plateau.step(loss);
 *   return opt.paramGroups[0].lr;
 * });
 * // lr × 0.1 (factor) once more than 5 (patience) epochs did not improve
 * console.log(lrs.join(' ')); // → 1 1 1 1 1 1 1 1 0.1 0.1
 */
export class ReduceLROnPlateau {
  /** The optimiser whose groups' lr it reduces. */
  readonly optimizer: AnyOptimizer;
  /** 'min': the metric should fall; 'max': it should rise. */
  readonly mode: 'min' | 'max';
  /** lr ← lr · factor on a plateau. */
  readonly factor: number;
  /** Epochs without improvement tolerated before lr is reduced. */
  readonly patience: number;
  /** What counts as an improvement (see `thresholdMode`). */
  readonly threshold: number;
  /** 'rel': relative to the best; 'abs': absolute. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted. */
  readonly cooldown: number;
  /** The lowest lr of each group. */
  readonly minLrs: readonly number[];
  /** A reduction smaller than this is not applied. */
  readonly eps: number;
  /** The number of `step(metric)` calls so far. */
  lastEpoch = 0;
  /** The best metric so far (±Infinity before the first). */
  best: number;
  /** Epochs in a row without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    checkOptimizer(where, optimizer);
    checkOptions(where, options, Object.keys(PLATEAU_DEFAULTS));
    const { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps } = {
      ...PLATEAU_DEFAULTS,
      ...definedEntries(options),
    };
    if (mode !== 'min' && mode !== 'max') {
      throw new ValueError(`${where}: mode must be 'min' or 'max', got ${echoValue(mode)}`);
    }
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(
        `${where}: thresholdMode must be 'rel' or 'abs', got ${echoValue(thresholdMode)}`,
      );
    }
    checkNumber(where, 'factor', factor);
    if (factor < 0 || factor >= 1) {
      throw new ValueError(`${where}: factor must be in [0, 1), got ${factor}`);
    }
    checkCount(where, 'patience', patience);
    checkNonNegative(where, 'threshold', threshold);
    checkCount(where, 'cooldown', cooldown);
    checkNonNegative(where, 'eps', eps);
    const groups = optimizer.paramGroups.length;
    let minLrs: number[];
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) {
        throw new ValueError(
          `${where}: minLr has ${minLr.length} value(s); the optimiser has ${groups} group(s)`,
        );
      }
      minLrs = [...minLr];
    } else {
      minLrs = new Array<number>(groups).fill(minLr as number);
    }
    minLrs.forEach((v, i) => {
      checkNonNegative(where, groups > 1 ? `minLr[${i}]` : 'minLr', v);
    });
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Object.freeze(minLrs);
    this.eps = eps;
    this.best = this.worst;
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces lr on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number' || Number.isNaN(current)) {
      throw new ValueError(
        `ReduceLROnPlateau.step(): the metric must be a number, got ${echoValue(current)}`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The lr of each group now. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** A JSON snapshot of the schedule's counters and best value, for `loadState`. */
  state(): PlateauState {
    return {
      scheduler: 'ReduceLROnPlateau',
      lastEpoch: this.lastEpoch,
      best: this.best === this.worst ? null : this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  /** Restores a snapshot taken by `state()` of a `ReduceLROnPlateau`. */
  loadState(snapshot: PlateauState): void {
    const where = 'ReduceLROnPlateau.loadState()';
    if (snapshot?.scheduler !== 'ReduceLROnPlateau') {
      throw new ValueError(
        `${where}: the snapshot is of ${echoValue(snapshot?.scheduler)}, not ReduceLROnPlateau`,
      );
    }
    checkCount(where, 'lastEpoch', snapshot.lastEpoch);
    checkCount(where, 'numBadEpochs', snapshot.numBadEpochs);
    checkCount(where, 'cooldownCounter', snapshot.cooldownCounter);
    if (snapshot.best !== null && typeof snapshot.best !== 'number') {
      throw new ValueError(
        `${where}: best must be a number or null, got ${echoValue(snapshot.best)}`,
      );
    }
    this.lastEpoch = snapshot.lastEpoch;
    this.best = snapshot.best ?? this.worst;
    this.numBadEpochs = snapshot.numBadEpochs;
    this.cooldownCounter = snapshot.cooldownCounter;
  }

  private get worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    }
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}

// ---------------------------------------------------------------- checks

function checkOptimizer(where: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) {
    throw new ValueError(
      `${where}: expected an optimiser (SGD, Adam, …), got ${echoValue(optimizer)}`,
    );
  }
}

/** An integer ≥ min. */
function checkCount(where: string, key: string, value: unknown, min = 0): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${where}: ${key} must be an integer ≥ ${min}, got ${echoValue(value)}`);
  }
}
