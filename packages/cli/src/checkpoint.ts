// The checkpoint file of `train --checkpoint-every N` and Ctrl-C: the model file as trained so far,
// plus what training needs to go on exactly (resumable.ts's TrainingState), written atomically.
// `train … --resume` reads it back, after checking it belongs to the same data and options.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileError, UserError } from './errors.js';
import type { ModelFile } from './model-file.js';
import { writeAtomically } from './model-file.js';
import type { Trained } from './network.js';
import type { Resumable, TrainingState } from './resumable.js';

export const CHECKPOINT_FORMAT = 'backprop-cli-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** What must be the same to resume: the data's SHA-256 and the options that shape training. */
  run: Record<string, unknown>;
  /** Epochs done. */
  epoch: number;
  /** The model file, as `--out` would hold it after `epoch` epochs (no test scores yet). */
  model: ModelFile;
  state: TrainingState;
}

/** --checkpoint, else beside --out (model.json → model.checkpoint.json), else in the current directory. */
export function checkpointPath(options: { checkpoint?: string; out?: string }): string {
  if (options.checkpoint !== undefined) return options.checkpoint;
  if (options.out !== undefined) return options.out.replace(/(\.json)?$/, '.checkpoint.json');
  return 'backprop.checkpoint.json';
}

/** The data file's SHA-256 and `options` (the ones that must not change between a run and its resume). */
export async function runIdentity(
  file: string,
  options: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (error) {
    throw fileError('read', file, error);
  }
  return { dataSha256: createHash('sha256').update(text).digest('hex'), ...options };
}

/**
 * What the training loop needs to checkpoint (and, with `resume`, to go on from `path`):
 * `toModel` turns the network trained so far into the model file's contents.
 */
export async function checkpointing(
  path: string,
  every: number | undefined,
  resume: boolean,
  run: Record<string, unknown>,
  epochs: number,
  toModel: (trained: Trained) => ModelFile,
): Promise<Resumable & { resumedAt: number }> {
  const save = async (trained: Trained, state: TrainingState) => {
    const doc: Checkpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      run,
      epoch: state.epoch,
      model: toModel(trained),
      state,
    };
    await writeAtomically(path, `${JSON.stringify(doc)}\n`);
  };
  if (!resume) return { every, save, path, resumedAt: 0 };
  const saved = await readCheckpoint(path);
  for (const [key, value] of Object.entries(run)) {
    if (JSON.stringify(saved.run[key]) !== JSON.stringify(value)) {
      const what =
        key === 'dataSha256'
          ? 'the data file has changed'
          : `${key} was ${JSON.stringify(saved.run[key])}, now ${JSON.stringify(value)}`;
      throw new UserError(
        `--resume: ${path} is a checkpoint of another run (${what}); give the same data and options, or train without --resume`,
      );
    }
  }
  if (saved.epoch > epochs) {
    throw new UserError(
      `--resume: ${path} is at epoch ${saved.epoch}, past --epochs ${epochs}; give --epochs ${saved.epoch} or more`,
    );
  }
  return {
    every,
    save,
    path,
    from: { network: saved.model.network, state: saved.state },
    resumedAt: saved.epoch,
  };
}

export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const e = fileError('read', path, error);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      e.message = `--resume: no checkpoint at ${path} (train with --checkpoint-every N, or give its path with --checkpoint)`;
    }
    throw e;
  }
  let doc: Partial<Checkpoint>;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UserError(`--resume: ${path} is not a checkpoint (not valid JSON)`);
  }
  if (doc?.format !== CHECKPOINT_FORMAT || doc.version !== CHECKPOINT_VERSION) {
    throw new UserError(
      `--resume: ${path} is not a checkpoint this backprop reads (expected "format": "${CHECKPOINT_FORMAT}", version ${CHECKPOINT_VERSION})`,
    );
  }
  return doc as Checkpoint;
}
