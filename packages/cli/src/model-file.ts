// The model file: one versioned JSON document with everything predict needs (the network, the
// scalers, the column and class names) and how it was trained. Written atomically.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fromJSON, MLP, type SavedModel, toJSON } from '@backprop/layers';
import { StandardScaler, type StandardScalerState } from '@backprop/optim';
import type { Task } from './data.js';
import { fileError, UserError } from './errors.js';
import type { Trained } from './network.js';

export const FILE_FORMAT = 'backprop-cli-model';
export const FILE_VERSION = 1;

export interface ModelFile {
  format: typeof FILE_FORMAT;
  version: typeof FILE_VERSION;
  task: Task;
  featureNames: string[];
  targetName: string;
  /** Columns of the training file that were not features (predict accepts and ignores them). */
  ignoredColumns: string[];
  /** Classification: the label of class i at index i; null for regression. */
  classes: string[] | null;
  scalers: { x: StandardScalerState; y: StandardScalerState | null };
  /** The network, as @backprop/layers' toJSON writes it. */
  network: SavedModel;
  /** The majority training class, for evaluate's baseline (the training mean is the y scaler's). */
  majorityClass: number | null;
  training: {
    /** The options of the command line, defaults filled in. */
    options: Record<string, unknown>;
    seed: number;
    /** Scores against the baselines, as train printed them. */
    metrics: unknown;
    /** The versions of the packages that trained it. */
    versions: Record<string, string>;
    date: string;
    rows: number;
    epochsRun: number;
  };
}

const require = createRequire(import.meta.url);

export function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  // ../package.json is this package's from src/ (tsx) and from dist/ (the build) alike
  out['@backprop/cli'] = (require('../package.json') as { version: string }).version;
  for (const name of ['@backprop/core', '@backprop/layers', '@backprop/optim']) {
    out[name] = (require(`${name}/package.json`) as { version: string }).version;
  }
  return out;
}

export function toModelFile(
  trained: Trained,
  fields: Omit<ModelFile, 'format' | 'version' | 'scalers' | 'network'>,
): ModelFile {
  return {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    ...fields,
    scalers: { x: trained.xScaler.toJSON(), y: trained.yScaler?.toJSON() ?? null },
    network: toJSON(trained.model),
  };
}

/** Fails early (before training) when `file` could not be written: its directory is missing or read-only. */
export async function checkWritable(file: string): Promise<void> {
  try {
    await access(dirname(file), constants.W_OK);
  } catch (error) {
    throw fileError('write', file, error);
  }
}

/** Into a temporary file beside `file`, flushed, then renamed over it: a crash leaves the old file. */
export async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temp, 'wx');
    try {
      await (typeof data === 'string' ? handle.writeFile(data, 'utf8') : handle.writeFile(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw fileError('write', file, error);
  }
}

export interface LoadedModel {
  file: ModelFile;
  model: MLP;
  xScaler: StandardScaler;
  yScaler: StandardScaler | null;
}

export async function readModelFile(path: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError('read', path, error);
  }
  let doc: Partial<ModelFile>;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    void error; // JSON.parse's message quotes the text: too long to help
    throw new UserError(`${path}: not a model file (not valid JSON); train writes one with --out`);
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== FILE_FORMAT) {
    throw new UserError(
      `${path}: not a model file of backprop's command line (expected "format": "${FILE_FORMAT}"; train writes one with --out)`,
    );
  }
  if (doc.version !== FILE_VERSION) {
    throw new UserError(
      `${path}: model file version ${JSON.stringify(doc.version)} is not one this backprop reads (it reads version ${FILE_VERSION}); use the backprop that wrote it, or train again`,
    );
  }
  const file = doc as ModelFile;
  try {
    const model = fromJSON(file.network);
    if (!(model instanceof MLP)) throw new UserError('the network is not an MLP');
    return {
      file,
      model,
      xScaler: StandardScaler.fromJSON(file.scalers.x),
      yScaler: file.scalers.y ? StandardScaler.fromJSON(file.scalers.y) : null,
    };
  } catch (error) {
    throw new UserError(`${path}: a damaged model file: ${(error as Error).message}`);
  }
}
