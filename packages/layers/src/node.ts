// @backprop/layers/node: saving models to files and loading them (Node only). The main entry stays
// browser-safe; in a browser, store the text of toJSONString(model) and give it to fromJSON.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@backprop/core';
import type { SavableModel } from './codecs.js';
import { fromJSON } from './from-json.js';
import type { Module } from './module.js';
import { ModelFormatError } from './saved-model.js';
import { toJSONString } from './to-json.js';

function toPath(path: string | URL): string {
  return path instanceof URL ? fileURLToPath(path) : path;
}

function failure(message: string, cause: unknown): ValueError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const error = new ValueError(`${message}: ${why}`);
  error.cause = cause; // keeps the system error's code (ENOENT, EACCES, …)
  return error;
}

/**
 * Writes the model to `path` as JSON (see `toJSONString`), atomically: into a temporary file in the
 * same directory, flushed to disk, then renamed over `path`. If anything fails, the temporary file
 * is removed and a file already at `path` is left as it was.
 * @example
 * import { save, load } from '@backprop/layers/node';
 * await save(mlp, 'model.json');
 * const again = await load('model.json'); // same outputs, bit for bit the same weights
 */
export async function save(model: Module, path: string | URL): Promise<void> {
  const file = toPath(path);
  const text = toJSONString(model); // an unsavable model is refused before the disk is touched
  const temp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync(); // the bytes are on disk before the name points at them
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {}); // the original error is the one to report
    throw failure(`save: cannot write ${file}`, error);
  }
}

/**
 * Reads a model saved by `save` (or any `toJSON` text). A malformed, truncated or hostile file is a
 * `ModelFormatError` naming the file and the spot, e.g.
 * `load(model.json): parameters["layers.0.weight"].values[3]: expected a finite number, got null`.
 */
export async function load(path: string | URL): Promise<SavableModel> {
  const file = toPath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw failure(`load: cannot read ${file}`, error);
  }
  try {
    return fromJSON(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    if (!(error instanceof ModelFormatError)) throw error;
    throw new ModelFormatError(error.problem, {
      path: error.path,
      file,
      source: `load(${file})`,
    });
  }
}
