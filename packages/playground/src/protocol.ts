// The messages between the page and the training worker. Every response to a request carries
// the request's id; a run answers with a stream of snapshots under its id until a pause or an error.
import type { SavedModel } from '@backprop/layers';
import type { PlaygroundConfig } from './config.js';
import type { PlaygroundData } from './data.js';
import type { NeuronInspection, WeightInspection } from './inspections.js';
import type { Snapshot } from './snapshot.js';

/** What the page asks of the worker. `id` comes back on every response to it. */
export type PlaygroundRequest =
  /**
   * Build a fresh session. The data: `data` as given, else `csv` (the text of the user's file, or
   * of diabetes.csv for dataset 'diabetes'), else the toy set the config names.
   */
  | { id: number; type: 'init'; config: PlaygroundConfig; data?: PlaygroundData; csv?: string }
  /** Train continuously, a chunk at a time, posting a snapshot after each, until pause. */
  | { id: number; type: 'run' }
  /** Stop a run; answered with a snapshot. */
  | { id: number; type: 'pause' }
  /** `steps` optimiser steps (default 1: one sample with batch size 1); answered with a snapshot. */
  | { id: number; type: 'step'; steps?: number }
  /** Back to the initial weights and an empty history (same config and data); answered with a snapshot. */
  | { id: number; type: 'reset' }
  /** ∂E/∂w⁽ʲ⁾ₚ,ᵢ for one sample (i 1-based as on the slides). */
  | { id: number; type: 'inspectWeight'; j: number; p: number; i: number; sample: number }
  /** ∂E/∂a⁽ʲ⁾ᵢ for one sample (j = 1..k, i 1-based). */
  | { id: number; type: 'inspectNeuron'; j: number; i: number; sample: number }
  /** One sample's forward and backward pass as a Mermaid flowchart. */
  | { id: number; type: 'graph'; sample: number }
  /** The trained model as layers' toJSON document. */
  | { id: number; type: 'export' };

/** What the worker answers; `id` is the request's. */
export type PlaygroundResponse =
  /** After init (with the data and the split), reset, step, pause, and each chunk of a run. */
  | { id: number; type: 'snapshot'; snapshot: Snapshot; data?: PlaygroundData; split?: Split }
  | { id: number; type: 'inspection'; inspection: WeightInspection | NeuronInspection }
  | { id: number; type: 'graph'; mermaid: string }
  | { id: number; type: 'model'; model: SavedModel }
  /**
   * A message for the page: bad input, a CSV problem (with its line and column), a diverged
   * training (the run has stopped; the weights are those before the step that diverged).
   */
  | { id: number; type: 'error'; message: string; line?: number; column?: string };

/** Which samples train and which are held out for validation (indices into the data). */
export interface Split {
  train: number[];
  validation: number[];
}

/** The type of each request, for the page's switch. */
export type PlaygroundRequestType = PlaygroundRequest['type'];
