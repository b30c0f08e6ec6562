// Training that can stop and go on: fit driven one epoch at a time from here, so that between two
// epochs everything that decides the next one (the weights, the optimiser's buffers, the shuffle
// generator, early stopping's counters) is in hand, can be saved, and can be put back bit for bit.
// fit itself is unchanged: each call is one epoch (epochs: 1) with the generator this loop owns.
import { Generator, type GeneratorState, NonFiniteError, type Tensor } from '@backprop/core';
import { fromJSON, MLP, type SavedModel } from '@backprop/layers';
import {
  DivergenceError,
  fit,
  type History,
  type OptimizerState,
  type ProgressSetting,
  shuffleIndices,
} from '@backprop/optim';
import type { Task } from './data.js';
import {
  lossOf,
  newModel,
  newOptimizer,
  scaleTraining,
  type Trained,
  type TrainSettings,
  VALIDATION_SPLIT,
} from './network.js';

/** fit's default: an epoch whose loss is this many times the initial loss has diverged. */
const DIVERGENCE_FACTOR = 1e6;

/** Everything besides the weights that the epochs after `epoch` depend on. */
export interface TrainingState {
  /** Epochs done. */
  epoch: number;
  optimizer: OptimizerState;
  generator: GeneratorState;
  history: History;
  /** Early stopping: the best monitored loss so far (null: none yet), epochs since, the best weights. */
  best: number | null;
  badEpochs: number;
  bestWeights: number[][] | null;
}

/** Ctrl-C during training: a checkpoint was written (exit code 130). */
export class Interrupted extends Error {}

export interface Resumable {
  /** Continue from a checkpoint's network and state (else start afresh). */
  from?: { network: SavedModel; state: TrainingState };
  /** Save a checkpoint every this many epochs (none when undefined). */
  every?: number;
  /** Writes a checkpoint: the network as trained so far and the state. */
  save: (trained: Trained, state: TrainingState) => Promise<void>;
  /** Where the checkpoints go, for messages. */
  path: string;
}

export async function trainResumable(
  task: Task,
  numClasses: number,
  xTrain: Tensor,
  yTrain: Tensor,
  settings: TrainSettings,
  progress: ProgressSetting,
  resumable: Resumable,
): Promise<Trained> {
  const { xScaler, yScaler, x: xAll, y: yAll } = scaleTraining(task, xTrain, yTrain);
  const model = resumable.from
    ? (fromJSON(resumable.from.network) as MLP)
    : newModel(task, numClasses, xTrain.shape[1] as number, settings);
  if (!(model instanceof MLP)) throw new Error('the checkpoint’s network is not an MLP');
  const params = model.parameters();
  const optimizer = newOptimizer(settings, params);
  const generator = new Generator(settings.seed);
  // the hold-out for early stopping, drawn first from the generator as fit's validationSplit does
  let x = xAll;
  let y = yAll;
  let validation: { x: Tensor; y: Tensor } | undefined;
  let validationIndices: number[] | undefined;
  if (settings.earlyStopping) {
    const n = xAll.shape[0] as number;
    const nVal = Math.ceil(VALIDATION_SPLIT * n - 1e-9);
    const order = shuffleIndices(n, { generator });
    const rows = order.slice(0, n - nVal);
    validationIndices = order.slice(n - nVal);
    x = xAll.gather(rows);
    y = yAll.gather(rows);
    validation = { x: xAll.gather(validationIndices), y: yAll.gather(validationIndices) };
  }
  const state: TrainingState = resumable.from
    ? structuredClone(resumable.from.state)
    : {
        epoch: 0,
        optimizer: optimizer.state(),
        generator: generator.state(),
        history: {
          epochs: [],
          bestEpoch: 0,
          stoppedEarly: false,
          ...(validationIndices ? { validationIndices } : {}),
        },
        best: null,
        badEpochs: 0,
        bestWeights: null,
      };
  if (resumable.from) {
    optimizer.loadState(state.optimizer);
    generator.setState(state.generator);
  }
  const { history } = state;
  const trained = (): Trained => ({ model, xScaler, yScaler, history });
  const snapshot = (): TrainingState => ({
    ...structuredClone(state),
    optimizer: optimizer.state(),
    generator: generator.state(),
  });
  let lastSaved = resumable.from ? state.epoch : 0;
  const save = async () => {
    await resumable.save(trained(), snapshot());
    lastSaved = state.epoch;
  };

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progressLine = progressLines(progress, settings.epochs);
  try {
    for (let epoch = state.epoch + 1; epoch <= settings.epochs && !history.stoppedEarly; epoch++) {
      const first = history.initialLoss === undefined;
      let h: History;
      try {
        h = fit(model, {
          x,
          y,
          loss: lossOf(task),
          optimizer,
          epochs: 1,
          batchSize: settings.batchSize,
          generator,
          ...(validation ? { validation } : {}),
          // fit measures the initial loss on its first call; later epochs are checked against it here
          divergenceFactor: first ? DIVERGENCE_FACTOR : Number.POSITIVE_INFINITY,
          progress: progressLine(epoch),
        });
      } catch (error) {
        if (error instanceof NonFiniteError || error instanceof DivergenceError) {
          // fit numbered this epoch 1: its own call's first
          error.message = error.message.replace(/^fit: epoch 1\b/, `fit: epoch ${epoch}`);
          error.message +=
            lastSaved > 0
              ? ` The last checkpoint (epoch ${lastSaved}) is kept in ${resumable.path}.`
              : '';
          Object.assign(error, { history });
        }
        throw error;
      }
      if (first) history.initialLoss = h.initialLoss;
      const log = { ...(h.epochs[0] as History['epochs'][number]), epoch };
      const initial = history.initialLoss;
      if (initial !== undefined && initial > 0 && log.loss > DIVERGENCE_FACTOR * initial) {
        throw new DivergenceError(
          `fit: epoch ${epoch}: the loss ${log.loss} is more than divergenceFactor (${DIVERGENCE_FACTOR}) × the loss at the initial weights, ${initial}. ` +
            `Training diverged: try a lower learning rate (lr is ${log.lr}) or clipGradNorm, or raise divergenceFactor` +
            (lastSaved > 0
              ? `. The last checkpoint (epoch ${lastSaved}) is kept in ${resumable.path}.`
              : ''),
          history,
        );
      }
      history.epochs.push(log);
      state.epoch = epoch;
      // as fit's early stopping: the monitored loss must fall (minDelta 0), the best weights kept
      const monitored = (settings.earlyStopping ? log.valLoss : log.loss) as number;
      if (state.best === null || monitored < state.best) {
        state.best = monitored;
        history.bestEpoch = epoch;
        state.badEpochs = 0;
        if (settings.earlyStopping) state.bestWeights = params.map((p) => Array.from(p.data));
      } else {
        state.badEpochs += 1;
      }
      if (settings.earlyStopping && state.badEpochs >= settings.patience) {
        history.stoppedEarly = true;
        history.stopReason = 'earlyStopping';
        progressLine.write(
          `stopped early: valLoss has not improved for ${settings.patience} epoch${settings.patience === 1 ? '' : 's'} (best: epoch ${history.bestEpoch}, valLoss ${Number(state.best?.toPrecision(4))})\n`,
        );
      }
      if (resumable.every !== undefined && epoch % resumable.every === 0) await save();
      // Ctrl-C is seen here, between epochs: its handler runs only when the event loop turns
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted) {
        if (lastSaved !== epoch) await save();
        throw new Interrupted(
          `interrupted after epoch ${epoch} of ${settings.epochs}: checkpoint written to ${resumable.path}; run the same command with --resume to go on`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (state.bestWeights && history.bestEpoch !== history.epochs.length) {
    params.forEach((p, i) => {
      p.data.set(state.bestWeights?.[i] as number[]);
      p.markChanged();
    });
    progressLine.write(`restored the weights of epoch ${history.bestEpoch}\n`);
  }
  return trained();
}

/**
 * fit's progress for one epoch of a run of `epochs`: fit numbers its single epoch "1/1", so the
 * label is rewritten; off a terminal, a line every tenth of the epochs (and the last), as fit does.
 */
function progressLines(setting: ProgressSetting, epochs: number) {
  const options =
    typeof setting === 'object' && setting !== null
      ? setting
      : { write: (s: string) => process.stdout.write(s), isTTY: process.stdout.isTTY === true };
  const write = options.write ?? ((s: string) => process.stdout.write(s));
  const isTTY = options.isTTY ?? false;
  const every = options.every ?? (isTTY ? 1 : Math.ceil(epochs / 10));
  const forEpoch = (epoch: number): ProgressSetting => {
    if (setting === false) return false;
    if (epoch % every !== 0 && epoch !== epochs) return false;
    const label = `epoch ${`${epoch}`.padStart(`${epochs}`.length)}/${epochs}`;
    return { write: (s) => write(s.replace('epoch 1/1', label)), isTTY };
  };
  return Object.assign(forEpoch, {
    write: (s: string) => {
      if (setting !== false) write(s);
    },
  });
}
