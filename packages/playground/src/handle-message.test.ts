import {
  createState,
  DEFAULT_CONFIG,
  handleMessage,
  type PlaygroundRequest,
  type PlaygroundResponse,
  type PlaygroundState,
  type Snapshot,
  serveWorker,
} from '@backprop/playground';
import { describe, expect, it } from 'vitest';

/** A worker state driven by hand: chunks wait in `queue`, and each clock reading advances 1 ms. */
function harness() {
  const queue: (() => void)[] = [];
  let clock = 0;
  const state: PlaygroundState = createState({
    schedule: (fn) => queue.push(fn),
    now: () => ++clock,
    chunkMs: 20,
  });
  const posted: PlaygroundResponse[] = [];
  const send = (request: PlaygroundRequest) => {
    const from = posted.length;
    handleMessage(state, request, (r) => posted.push(r));
    return posted.slice(from);
  };
  /** Runs the waiting chunks (those they schedule wait for the next call); returns what they posted. */
  const drain = () => {
    const from = posted.length;
    for (const fn of queue.splice(0)) fn();
    return posted.slice(from);
  };
  return { state, send, drain, queue };
}

const snapshotOf = (r: PlaygroundResponse | undefined): Snapshot => {
  if (r?.type !== 'snapshot') throw new Error(`expected a snapshot, got ${JSON.stringify(r)}`);
  return r.snapshot;
};
const finite = (s: Snapshot) =>
  [
    ...s.weights.flat(2),
    ...s.history.train,
    ...s.history.validation,
    ...(s.surface?.values ?? []),
  ].every(Number.isFinite);

describe('handleMessage', () => {
  it('answers init, run, pause, step, reset and the inspections, each with the request′s id', () => {
    const { send, drain, queue } = harness();
    const [init] = send({ id: 1, type: 'init', config: { ...DEFAULT_CONFIG, samples: 50 } });
    expect(init?.type === 'snapshot' && init.data?.x).toHaveLength(50);
    expect(init?.type === 'snapshot' && init.split?.validation).toHaveLength(15);
    const start = snapshotOf(init);
    expect(start.step).toBe(0);

    expect(send({ id: 2, type: 'run' })).toEqual([]); // the first chunk waits for the event loop
    const chunks = [...drain(), ...drain(), ...drain()];
    expect(chunks.map((r) => [r.id, r.type])).toEqual([
      [2, 'snapshot'],
      [2, 'snapshot'],
      [2, 'snapshot'],
    ]);
    const steps = chunks.map((r) => snapshotOf(r).step);
    expect(steps[0]).toBeGreaterThan(0);
    expect(steps[1]).toBeGreaterThan(steps[0] as number);
    const [first, , third] = chunks.map(snapshotOf) as Snapshot[];
    expect(third.running).toBe(true);
    // each clock reading is 1 ms: a chunk of 20 ms takes 20 steps, so 1000 steps/s for the first;
    // later chunks count the time since the chunk before ended: here one reading more, its start
    expect(first.stepsPerSecond).toBe(1000);
    expect(third.stepsPerSecond).toBe((20 * 1000) / 21);
    expect(third.history.step).toEqual([0, ...steps]);

    const [paused] = send({ id: 3, type: 'pause' });
    expect(paused?.id).toBe(3);
    expect(snapshotOf(paused).running).toBe(false);
    expect(snapshotOf(paused).step).toBe(steps[2]);
    expect(queue).toHaveLength(1);
    expect(drain()).toEqual([]); // the chunk scheduled before the pause does nothing

    const [stepped] = send({ id: 4, type: 'step' });
    expect(snapshotOf(stepped).step).toBe((steps[2] as number) + 1);
    expect(snapshotOf(stepped).lastBatch).toHaveLength(1);
    expect(snapshotOf(send({ id: 5, type: 'step', steps: 10 })[0]).step).toBe(
      (steps[2] as number) + 11,
    );

    const [reset] = send({ id: 6, type: 'reset' });
    expect(reset?.id).toBe(6);
    expect(snapshotOf(reset).step).toBe(0);
    expect(snapshotOf(reset).weights).toEqual(start.weights);
    expect(snapshotOf(reset).history).toEqual(start.history);

    const [weight] = send({ id: 7, type: 'inspectWeight', j: 0, p: 1, i: 2, sample: 3 });
    expect(weight?.type === 'inspection' && weight.inspection.kind).toBe('weight');
    expect(weight?.id).toBe(7);
    const [neuron] = send({ id: 8, type: 'inspectNeuron', j: 1, i: 3, sample: 3 });
    expect(neuron?.type === 'inspection' && neuron.inspection.kind).toBe('neuron');
    const [graph] = send({ id: 9, type: 'graph', sample: 3 });
    expect(graph?.type === 'graph' && graph.mermaid).toMatch(/^flowchart LR/);
    const [model] = send({ id: 10, type: 'export' });
    expect(model?.type === 'model' && model.model.format).toBeTypeOf('string');
    expect([weight, neuron, graph, model].map((r) => r?.id)).toEqual([7, 8, 9, 10]);
  });

  it('a run replaced by another run, or by a reset, stops posting', () => {
    const { send, drain } = harness();
    send({ id: 1, type: 'init', config: DEFAULT_CONFIG });
    send({ id: 2, type: 'run' });
    drain();
    send({ id: 3, type: 'run' });
    expect(drain().map((r) => r.id)).toEqual([3]); // run 2's pending chunk is dropped
    send({ id: 4, type: 'reset' });
    expect(drain()).toEqual([]);
  });

  it('stops a diverging network with an error for the run, and no snapshot with NaN', () => {
    const { send, drain, queue } = harness();
    const hidden = [16, 16].map((size) => ({ size, activation: 'relu' }));
    const [init] = send({
      id: 1,
      type: 'init',
      config: { ...DEFAULT_CONFIG, dataset: 'gaussian', hidden, lr: 10 },
    });
    expect(init?.type).toBe('snapshot');
    send({ id: 2, type: 'run' });
    const answers: PlaygroundResponse[] = [];
    for (let n = 0; n < 100 && queue.length > 0; n++) answers.push(...drain());
    expect(queue).toHaveLength(0); // training stopped
    const last = answers.at(-1);
    expect(last).toMatchObject({ id: 2, type: 'error' });
    expect(last?.type === 'error' && last.message).toMatch(
      /^training diverged at step \d+: .* with learning rate 10\. The weights are back to those of step \d+\. Lower the learning rate and reset\.$/,
    );
    const snapshots = answers.slice(0, -1).map(snapshotOf);
    expect(snapshots.every(finite)).toBe(true);
    // the page can still ask: a snapshot of the weights put back, finite; a step says why not
    const [after] = send({ id: 3, type: 'pause' });
    expect(finite(snapshotOf(after))).toBe(true);
    expect(JSON.parse(JSON.stringify(after))).toEqual(after);
    expect(send({ id: 4, type: 'step' })).toMatchObject([
      { id: 4, type: 'error', message: expect.stringMatching(/diverged/) },
    ]);
    expect(snapshotOf(send({ id: 5, type: 'reset' })[0]).step).toBe(0);
  });

  it('answers a CSV with a text cell, an empty CSV and a missing one with errors naming where', () => {
    const { send } = harness();
    const config = { ...DEFAULT_CONFIG, dataset: 'csv' as const };
    expect(send({ id: 1, type: 'init', config, csv: 'a,b,y\n1,2,3\n4,five,6\n7,8,9\n' })).toEqual([
      {
        id: 1,
        type: 'error',
        message: `the CSV: line 3, column 'b': "five" is not a number`,
        line: 3,
        column: 'b',
      },
    ]);
    expect(send({ id: 2, type: 'init', config, csv: '' })).toEqual([
      {
        id: 2,
        type: 'error',
        message: 'the CSV is empty: expected a header row and at least 2 data rows',
        line: 1,
      },
    ]);
    expect(send({ id: 3, type: 'init', config })).toEqual([
      { id: 3, type: 'error', message: "dataset 'csv' needs the CSV text (init's csv field)" },
    ]);
    const [ok] = send({ id: 4, type: 'init', config, csv: 'a,b,y\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n' });
    expect(ok?.type).toBe('snapshot');
    // two features: a regression surface over them, in the target's units
    expect(snapshotOf(ok).surface?.kind).toBe('regression');
  });

  it('answers requests before init, bad configs and unknown types with errors', () => {
    const { send } = harness();
    expect(send({ id: 1, type: 'step' })).toEqual([
      { id: 1, type: 'error', message: 'step: no network yet; send init first' },
    ]);
    expect(send({ id: 2, type: 'init', config: { ...DEFAULT_CONFIG, lr: -1 } })).toEqual([
      { id: 2, type: 'error', message: 'lr: expected a number from 0 to 10; got -1' },
    ]);
    expect(send({ id: 3, type: 'jump' } as unknown as PlaygroundRequest)[0]).toMatchObject({
      id: 3,
      type: 'error',
      message: expect.stringMatching(/^unknown request "jump"; expected one of init, run/),
    });
  });
});

describe('serveWorker', () => {
  it('wires a worker scope′s messages to handleMessage and posts the responses back', () => {
    const posted: unknown[] = [];
    const scope = {
      onmessage: null as ((event: { data: unknown }) => void) | null,
      postMessage: (m: unknown) => posted.push(m),
    };
    serveWorker(scope);
    scope.onmessage?.({ data: { id: 1, type: 'init', config: DEFAULT_CONFIG } });
    scope.onmessage?.({ data: { id: 2, type: 'step', steps: 3 } });
    expect(posted.map((m) => (m as PlaygroundResponse).id)).toEqual([1, 2]);
    expect(snapshotOf(posted[1] as PlaygroundResponse).step).toBe(3);
  });
});
