// @backprop/playground: the playground's logic, no DOM. The public API, listed.

/**
 * The playground's logic for the documentation site's page: the setup (config and URL), toy and
 * CSV data, the training `Session` with snapshots and gradient inspections, and the Web Worker
 * protocol. Runs in a worker or in Node; no DOM, no Vue.
 * @module @backprop/playground
 */

// ---- the setup, and the setup in a URL
export {
  checkActivation,
  checkConfig,
  DATASETS,
  type DatasetName,
  DEFAULT_CONFIG,
  type HiddenLayer,
  LIMITS,
  type OptimizerName,
  type OutputKind,
  type PlaygroundConfig,
  TOY_DATASETS,
  type ToyDatasetName,
} from './config.js';
// ---- data
export { type CsvDatasetOptions, csvDataset } from './csv-dataset.js';
export { checkData, type PlaygroundData } from './data.js';
export { PlaygroundError } from './errors.js';
// ---- the worker protocol
export {
  CHUNK_MS,
  createState,
  handleMessage,
  type PlaygroundState,
  serveWorker,
  type WorkerScopeLike,
} from './handle-message.js';
export { NEURON_STEP } from './inspect-neuron.js';
export { CENTRAL_DIFFERENCE_STEP, texNumber } from './inspect-weight.js';
// ---- clicking a weight or a neuron
export type { NeuronInspection, WeightInspection } from './inspections.js';
export type {
  PlaygroundRequest,
  PlaygroundRequestType,
  PlaygroundResponse,
  Split,
} from './protocol.js';
// ---- training and what the page draws
export { classOf, HISTORY_LIMIT, MOMENTUM, Session } from './session.js';
export { neuronName, subscript, superscript, weightName } from './slide-names.js';
export type { GradientNorm, Snapshot, Surface, YYPoint } from './snapshot.js';
export { SURFACE_SIZE } from './surface.js';
export { type ToyOptions, toyDataset } from './toy-datasets.js';
export { configFromQuery, configToQuery } from './url.js';
