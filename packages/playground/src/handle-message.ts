// The worker's side of the protocol as a plain function of (state, request, post), testable
// without a Worker; serveWorker wires it to a DedicatedWorkerGlobalScope-like object.
import { checkConfig, type PlaygroundConfig, TOY_DATASETS, type ToyDatasetName } from './config.js';
import { csvDataset } from './csv-dataset.js';
import type { PlaygroundData } from './data.js';
import { PlaygroundError } from './errors.js';
import type { PlaygroundRequest, PlaygroundResponse } from './protocol.js';
import { Session } from './session.js';
import { toyDataset } from './toy-datasets.js';

/** How long a chunk of a run trains before it posts a snapshot and yields (ms). */
export const CHUNK_MS = 50;

/** What the worker keeps between messages. Make one with `createState()`. */
export interface PlaygroundState {
  /** The session being trained; null before init. */
  session: Session | null;
  /** The run in progress (its request's id; when its last chunk ended, by `now`), or null. */
  running: { id: number; lastEnd: number | null } | null;
  /** Runs `fn` later, letting other messages in first (default: setTimeout(fn, 0)). */
  schedule: (fn: () => void) => void;
  /** A clock in milliseconds (default Date.now). */
  now: () => number;
  /** How long a chunk of a run trains (default CHUNK_MS). */
  chunkMs: number;
}

type Timers = { setTimeout(fn: () => void, ms: number): unknown };

/** A fresh worker state; tests pass their own `schedule` and `now` to drive runs by hand. */
export function createState(
  options: Partial<Omit<PlaygroundState, 'session' | 'running'>> = {},
): PlaygroundState {
  return {
    session: null,
    running: null,
    schedule: options.schedule ?? ((fn) => (globalThis as unknown as Timers).setTimeout(fn, 0)),
    now: options.now ?? Date.now,
    chunkMs: options.chunkMs ?? CHUNK_MS,
  };
}

/** The data an init asks for: given, parsed from its CSV text, or the config's toy set. */
function dataFor(request: Extract<PlaygroundRequest, { type: 'init' }>): PlaygroundData {
  const config = checkConfig(request.config);
  if (request.data !== undefined) return request.data;
  if (config.dataset === 'csv' || config.dataset === 'diabetes') {
    if (typeof request.csv !== 'string') {
      throw new PlaygroundError(
        `dataset '${config.dataset}' needs the CSV text (init's csv field)`,
      );
    }
    const diabetes = config.dataset === 'diabetes';
    return csvDataset(request.csv, {
      target: config.target ?? (diabetes ? 'progression' : null),
      name: diabetes ? 'diabetes.csv' : 'the CSV',
    });
  }
  if (!(TOY_DATASETS as readonly string[]).includes(config.dataset)) {
    throw new PlaygroundError(`unknown dataset '${config.dataset}'`);
  }
  return toyDataset(config.dataset as ToyDatasetName, config);
}

/** A fresh session on the config and data, answered with its first snapshot, the data and the split. */
function start(
  state: PlaygroundState,
  id: number,
  config: PlaygroundConfig,
  data: PlaygroundData,
  post: (r: PlaygroundResponse) => void,
): void {
  const session = new Session(config, data);
  state.session = session;
  post({
    id,
    type: 'snapshot',
    snapshot: session.snapshot(),
    data: session.data,
    split: session.split,
  });
}

function sessionOf(state: PlaygroundState, type: string): Session {
  if (state.session === null) {
    throw new PlaygroundError(`${type}: no network yet; send init first`);
  }
  return state.session;
}

/** One chunk of a run: train for chunkMs, post a snapshot, and schedule the next chunk. */
function runChunk(state: PlaygroundState, id: number, post: (r: PlaygroundResponse) => void): void {
  if (state.running?.id !== id || state.session === null) return; // paused, reset or replaced
  const { session, running } = state;
  const start = state.now();
  let steps = 0;
  let end = start;
  try {
    do {
      session.step(1);
      steps++;
      end = state.now();
    } while (end - start < state.chunkMs);
  } catch (e) {
    state.running = null;
    post(errorResponse(id, e));
    return;
  }
  // steps per second of wall time: since the last chunk ended, so the snapshots and the yields
  // between chunks count too (the first chunk has only its own time)
  const wall = end - (running.lastEnd ?? start);
  const stepsPerSecond = wall > 0 ? (steps * 1000) / wall : null;
  post({ id, type: 'snapshot', snapshot: session.snapshot({ running: true, stepsPerSecond }) });
  running.lastEnd = end;
  state.schedule(() => runChunk(state, id, post));
}

function errorResponse(id: number, e: unknown): PlaygroundResponse {
  const message = e instanceof Error ? e.message : String(e);
  const response: PlaygroundResponse = { id, type: 'error', message };
  if (e instanceof PlaygroundError) {
    if (e.line !== null) response.line = e.line;
    if (e.column !== null) response.column = e.column;
  }
  return response;
}

const TYPES = new Set<string>([
  'init',
  'run',
  'pause',
  'step',
  'reset',
  'inspectWeight',
  'inspectNeuron',
  'graph',
  'export',
] satisfies PlaygroundRequest['type'][]);

/**
 * Answers one request by calling `post` (once, or once per chunk for a run). Never throws: a
 * problem is an `error` response with the request's id.
 */
export function handleMessage(
  state: PlaygroundState,
  request: PlaygroundRequest,
  post: (response: PlaygroundResponse) => void,
): void {
  const id = typeof request?.id === 'number' ? request.id : -1;
  try {
    if (typeof request !== 'object' || request === null || !TYPES.has(request.type)) {
      throw new PlaygroundError(
        `unknown request ${JSON.stringify((request as { type?: unknown } | null)?.type)}; expected one of ${[...TYPES].join(', ')}`,
      );
    }
    switch (request.type) {
      case 'init':
        state.running = null;
        state.session = null;
        start(state, id, request.config, dataFor(request), post);
        return;
      case 'reset': {
        const { config, data } = sessionOf(state, 'reset');
        state.running = null;
        start(state, id, config, data, post);
        return;
      }
      case 'run': {
        sessionOf(state, 'run');
        state.running = { id, lastEnd: null };
        state.schedule(() => runChunk(state, id, post));
        return;
      }
      case 'pause': {
        state.running = null;
        post({ id, type: 'snapshot', snapshot: sessionOf(state, 'pause').snapshot() });
        return;
      }
      case 'step': {
        const session = sessionOf(state, 'step');
        state.running = null;
        session.step(request.steps ?? 1);
        post({ id, type: 'snapshot', snapshot: session.snapshot() });
        return;
      }
      case 'inspectWeight': {
        const { j, p, i, sample } = request;
        const inspection = sessionOf(state, 'inspectWeight').inspectWeight(j, p, i, sample);
        post({ id, type: 'inspection', inspection });
        return;
      }
      case 'inspectNeuron': {
        const { j, i, sample } = request;
        post({
          id,
          type: 'inspection',
          inspection: sessionOf(state, 'inspectNeuron').inspectNeuron(j, i, sample),
        });
        return;
      }
      case 'graph':
        post({ id, type: 'graph', mermaid: sessionOf(state, 'graph').graph(request.sample) });
        return;
      case 'export':
        post({ id, type: 'model', model: sessionOf(state, 'export').exportModel() });
        return;
    }
  } catch (e) {
    post(errorResponse(id, e));
  }
}

/** What `serveWorker` needs of a DedicatedWorkerGlobalScope. */
export interface WorkerScopeLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

/**
 * Serves the protocol in a worker: `serveWorker(self)` in the worker's module. Returns the state
 * (for tests and debugging).
 */
export function serveWorker(scope: WorkerScopeLike): PlaygroundState {
  const state = createState();
  scope.onmessage = (event) => {
    handleMessage(state, event.data as PlaygroundRequest, (response) =>
      scope.postMessage(response),
    );
  };
  return state;
}
