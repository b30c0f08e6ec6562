// @backprop/layers/node: saving models to files (JSON or ONNX) and loading them (Node only). The main entry stays
// browser-safe; in a browser, store the text of toJSONString(model) and give it to fromJSON.

/**
 * The Node-only part of `@backprop/layers`: saving models to files (JSON, or ONNX for other
 * runtimes) and loading them.
 * @module @backprop/layers/node
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, open, readdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@backprop/core';
import type { SavableModel } from './codecs.js';
import { fromJSON } from './from-json.js';
import type { Linear } from './linear.js';
import type { MLP } from './mlp.js';
import type { Module } from './module.js';
import { type ToONNXOptions, toONNX } from './onnx/export.js';
import { fromONNX, type ONNXModel } from './onnx/import.js';
import { ModelFormatError } from './saved-model.js';
import type { Sequential } from './sequential.js';
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
 * is removed and a file already at `path` is left as it was. A symlink at `path` stays a link (its
 * target is replaced), a file replaced keeps its permissions, and temporary files that killed saves
 * of the same file left behind are removed.
 * @example
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { tensor } from '@backprop/core';
 * import { MLP } from '@backprop/layers';
 * import { load, save } from '@backprop/layers/node';
 * const mlp = new MLP({ inputs: 2, hidden: [3], seed: 0 });
 * const path = join(await mkdtemp(join(tmpdir(), 'backprop-')), 'model.json');
 * await save(mlp, path);
 * const again = await load(path);
 * // bit for bit the same weights, so the same outputs
 * console.log(again.forward(tensor([[0.5, -1]])).item() === mlp.forward([[0.5, -1]]).item()); // → true
 */
export async function save(model: Module, path: string | URL): Promise<void> {
  const text = toJSONString(model); // an unsavable model is refused before the disk is touched
  await writeAtomically('save', toPath(path), text);
}

/**
 * Writes the model to `path` as an ONNX model (the bytes of `toONNX(model, options)`), atomically
 * as `save` writes JSON: a failed write leaves a file already at `path` as it was.
 * @example
 * import { mkdtemp, readFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { MLP } from '@backprop/layers';
 * import { saveONNX } from '@backprop/layers/node';
 * const mlp = new MLP({ inputs: 2, hidden: [3], activation: 'relu', seed: 0 });
 * const path = join(await mkdtemp(join(tmpdir(), 'backprop-')), 'model.onnx');
 * await saveONNX(mlp, path);
 * console.log((await readFile(path)).length > 100); // → true
 */
export async function saveONNX(
  model: Linear | Sequential | MLP,
  path: string | URL,
  options: ToONNXOptions = {},
): Promise<void> {
  const bytes = toONNX(model, options); // a model with no ONNX form is refused before the disk is touched
  await writeAtomically('saveONNX', toPath(path), bytes);
}

/**
 * Reads an ONNX model file back as a network (see `fromONNX`): the model, and the `toONNX`
 * options (opset, names, folded scalers, metadata) that write it again. An error names the file.
 * @example
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { MLP } from '@backprop/layers';
 * import { loadONNX, saveONNX } from '@backprop/layers/node';
 * const mlp = new MLP({ inputs: 2, hidden: [3], activation: 'relu', seed: 0 });
 * const path = join(await mkdtemp(join(tmpdir(), 'backprop-')), 'model.onnx');
 * await saveONNX(mlp, path, { metadata: { features: 'x1,x2' } });
 * const { model, options } = await loadONNX(path);
 * console.log(model.describe(), options.metadata); // → MLP(2 → 3 relu → 1 identity) { features: 'x1,x2' }
 */
export async function loadONNX(path: string | URL): Promise<ONNXModel> {
  const file = toPath(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw failure(`loadONNX: cannot read ${file}`, error);
  }
  try {
    return fromONNX(bytes);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ValueError(error.message.replace(/^fromONNX: /, `loadONNX: ${file}: `));
  }
}

/**
 * Writes `data` to `file` atomically: into a temporary file in the same directory, flushed, then
 * renamed over `file`; on failure the temporary file is removed and an error names `who` and `file`.
 */
async function writeAtomically(
  who: string,
  file: string,
  data: string | Uint8Array,
): Promise<void> {
  let temp: string | undefined;
  try {
    const target = await linkTarget(file);
    const mode = await stat(target).then(
      (s) => s.mode & 0o7777,
      () => undefined, // a new file: open's default, 0666 less the umask
    );
    const tag = tempTag(basename(target));
    await removeStaleTemps(dirname(target), tag);
    temp = join(dirname(target), `${tag}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', mode);
    try {
      if (mode !== undefined) await handle.chmod(mode); // open's mode is masked by the umask
      await (typeof data === 'string' ? handle.writeFile(data, 'utf8') : handle.writeFile(data));
      await handle.sync(); // the bytes are on disk before the name points at them
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    if (temp !== undefined) await rm(temp, { force: true }).catch(() => {}); // report the original error
    throw failure(`${who}: cannot write ${file}`, error);
  }
}

/** What a chain of symlinks at `file` ends in (`file` itself if it is no link), existing or not. */
async function linkTarget(file: string): Promise<string> {
  let at = file;
  for (let hops = 0; hops < 40; hops++) {
    const isLink = await lstat(at).then(
      (s) => s.isSymbolicLink(),
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      },
    );
    if (!isLink) return at;
    at = resolve(dirname(at), await readlink(at));
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links from ${file}`), { code: 'ELOOP' });
}

/**
 * The start of the temporary files' names for a target, short whatever the target's name (a name
 * of 255 bytes is allowed, and a suffix on it is not): `.` + up to 20 characters of the name + a
 * hash of the whole name, then the pid and a random part follow.
 */
function tempTag(name: string): string {
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `.${name.slice(0, 20)}.${hash}.`;
}

/** Removes the temporary files of `tag` whose writer is no longer running (a killed save). */
async function removeStaleTemps(dir: string, tag: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(tag)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(tag.length));
    if (match && !isRunning(Number(match[1]))) await rm(join(dir, name), { force: true });
  }
}

/** Whether a process with this id runs (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true; // a save of ours in progress
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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
