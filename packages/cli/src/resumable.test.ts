// The epoch-at-a-time loop against fit called once for every epoch (network.ts's trainNetwork,
// the path --cv takes): the same weights bit for bit, the same losses, the same early stop.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTable, type Task } from './data.js';
import { type Trained, type TrainSettings, trainNetwork } from './network.js';
import { type TrainingState, trainResumable } from './resumable.js';

const data = (name: string) =>
  fileURLToPath(new URL(`../../../examples/data/${name}.csv`, import.meta.url));

const base: TrainSettings = {
  hidden: [6],
  activation: 'sigmoid',
  optimizer: 'adam',
  lr: 0.05,
  epochs: 12,
  batchSize: 16,
  seed: 3,
  earlyStopping: false,
  patience: 3,
};

const weights = (t: Trained) => t.model.parameters().map((p) => Array.from(p.data));
const noSave = { save: async () => {}, path: 'unused' };

async function both(name: string, target: string, task: Task, settings: TrainSettings) {
  const table = await readTable(data(name), { target, task });
  const k = table.classes?.length ?? 0;
  const once = trainNetwork(task, k, table.x, table.y, settings, false);
  const stepped = await trainResumable(task, k, table.x, table.y, settings, false, noSave);
  return { table, k, once, stepped };
}

describe('trainResumable', () => {
  it('gives the weights and losses of one fit call (regression, classification)', async () => {
    for (const [name, target, task] of [
      ['diabetes', 'progression', 'regression'],
      ['iris', 'species', 'classification'],
    ] as const) {
      const { once, stepped } = await both(name, target, task, base);
      expect(weights(stepped)).toEqual(weights(once));
      expect(stepped.history.epochs.map((e) => [e.epoch, e.loss])).toEqual(
        once.history.epochs.map((e) => [e.epoch, e.loss]),
      );
      expect(stepped.history.initialLoss).toBe(once.history.initialLoss);
      expect(stepped.history.bestEpoch).toBe(once.history.bestEpoch);
    }
  });

  it('with early stopping: the same hold-out, the same stop and the best weights restored', async () => {
    // a high lr, so that the validation loss stops falling well before the last epoch
    const settings = { ...base, lr: 0.3, epochs: 80, earlyStopping: true };
    const { once, stepped } = await both('diabetes', 'progression', 'regression', settings);
    expect(once.history.stoppedEarly).toBe(true);
    expect(stepped.history.validationIndices).toEqual(once.history.validationIndices);
    expect(stepped.history.epochs.map((e) => e.valLoss)).toEqual(
      once.history.epochs.map((e) => e.valLoss),
    );
    expect(stepped.history.stoppedEarly).toBe(true);
    expect(stepped.history.bestEpoch).toBe(once.history.bestEpoch);
    expect(stepped.history.bestEpoch).toBeLessThan(stepped.history.epochs.length);
    expect(weights(stepped)).toEqual(weights(once));
  });

  it('saved every n epochs and resumed (through JSON), ends where the uninterrupted run ends', async () => {
    const settings = { ...base, earlyStopping: true, patience: 100 };
    const table = await readTable(data('wine'), { target: 'cultivar', task: 'classification' });
    const k = table.classes?.length ?? 0;
    const run = (epochs: number, resumable: Parameters<typeof trainResumable>[6]) =>
      trainResumable(
        'classification',
        k,
        table.x,
        table.y,
        { ...settings, epochs },
        false,
        resumable,
      );
    const whole = await run(12, noSave);
    const saved: { network: unknown; state: TrainingState }[] = [];
    const { toJSON } = await import('@backprop/layers');
    await run(7, {
      every: 5,
      path: 'unused',
      save: async (t, state) => {
        saved.push(JSON.parse(JSON.stringify({ network: toJSON(t.model), state })));
      },
    });
    expect(saved.map((s) => s.state.epoch)).toEqual([5]);
    const resumed = await run(12, { ...noSave, from: saved[0] as never });
    expect(weights(resumed)).toEqual(weights(whole));
    expect(resumed.history.epochs).toHaveLength(12);
    expect(resumed.history.epochs.map((e) => e.valLoss)).toEqual(
      whole.history.epochs.map((e) => e.valLoss),
    );
  });
});
