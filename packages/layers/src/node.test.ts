// Files: save → load keeps every bit and output; a failed save leaves the old file and no
// temporary file behind; a bad file is an error naming the file and the spot.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Generator, type Tensor, tensor, ValueError } from '@backprop/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defineActivation,
  Linear,
  MLP,
  ModelFormatError,
  type Module,
  RBF,
  Sequential,
  toJSONString,
} from './index.js';
import { load, loadONNX, save, saveONNX } from './node.js';
import { toONNX } from './onnx/export.js';

// open and rename pass through to the real ones unless a test makes them fail once
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), rename: vi.fn(actual.rename) };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-layers-'));
});
afterEach(async () => {
  vi.mocked(fs.open).mockClear();
  vi.mocked(fs.rename).mockClear();
  await rm(dir, { recursive: true, force: true });
});

function scramble(model: Module, seed: number): void {
  const g = new Generator(seed);
  for (const p of model.parameters()) {
    for (let i = 0; i < p.size; i++) p.data[i] = g.normal() * 10 ** (g.int(9) - 4);
  }
}

/** Same names, shapes, dtypes and bits (Object.is, so −0 ≠ 0), and the same outputs bit for bit. */
function expectSameModel(actual: Module, expected: Module, x: Tensor): void {
  const a = actual.namedParameters();
  const e = expected.namedParameters();
  expect(a.map(([n, t]) => [n, t.shape, t.dtype])).toEqual(
    e.map(([n, t]) => [n, t.shape, t.dtype]),
  );
  a.forEach(([name, t], k) => {
    const u = (e[k] as [string, Tensor])[1];
    for (let i = 0; i < t.size; i++) {
      if (!Object.is(t.data[i], u.data[i]))
        expect.fail(`${name}[${i}]: ${t.data[i]} vs ${u.data[i]}`);
    }
  });
  const ya = actual.forward(x);
  const ye = expected.forward(x);
  for (let i = 0; i < ye.size; i++) {
    if (!Object.is(ya.data[i], ye.data[i]))
      expect.fail(`output ${i}: ${ya.data[i]} vs ${ye.data[i]}`);
  }
}

function batch(features: number, dtype: 'float32' | 'float64'): Tensor {
  const g = new Generator(5);
  return tensor(
    Array.from({ length: 3 }, () => Array.from({ length: features }, () => g.normal())),
    { dtype },
  );
}

/** The directory's entries, to show that no temporary file stays behind. */
const entries = () => readdir(dir).then((names) => names.sort());

describe('save / load', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const hidden of [[], [4], [4, 3], [3, 4, 2]]) {
      it(`round-trips an MLP with k = ${hidden.length} (${dtype}) through a file, bit for bit`, async () => {
        const mlp = new MLP({
          inputs: 3,
          hidden,
          outputs: 2,
          activation: ['sigmoid', 'relu', 'rbf(0.5)'].slice(0, hidden.length),
          outputActivation: hidden.length % 2 ? 'softmax' : 'identity',
          dtype,
          seed: hidden.length,
        });
        scramble(mlp, 1);
        const file = join(dir, 'model.json');
        await save(mlp, file);
        expect(await entries()).toEqual(['model.json']);
        expect(await readFile(file, 'utf8')).toBe(toJSONString(mlp));
        const loaded = await load(file);
        expect(loaded).toBeInstanceOf(MLP);
        expect((loaded as MLP).config).toEqual(mlp.config);
        expectSameModel(loaded, mlp, batch(3, dtype));
      });
    }
  }

  it('round-trips a Linear (with −0) and a Sequential, paths given as strings or file URLs', async () => {
    const layer = new Linear(3, 2, { dtype: 'float32', seed: 1 });
    scramble(layer, 2);
    layer.weight.data[0] = -0;
    await save(layer, pathToFileURL(join(dir, 'linear.json')));
    const loadedLayer = await load(join(dir, 'linear.json'));
    expect(Object.is(loadedLayer.parameters()[0]?.data[0], -0)).toBe(true);
    expectSameModel(loadedLayer, layer, batch(3, 'float32'));

    const net = new Sequential(
      new Linear(3, 4, { seed: 1 }),
      'tanh',
      new RBF({ gamma: 2, learnable: true }),
      new Linear(4, 2, { seed: 2 }),
      'softmax',
    );
    scramble(net, 3);
    await save(net, join(dir, 'net.json'));
    const loadedNet = await load(pathToFileURL(join(dir, 'net.json')));
    expect(loadedNet).toBeInstanceOf(Sequential);
    expectSameModel(loadedNet, net, batch(3, 'float64'));
  });

  it('loads files saved before the codec table (fixtures/*-v1.json), and saves them again byte for byte', async () => {
    const described: Record<string, string> = {
      'linear-v1.json': 'Linear(2 → 2)',
      'mlp-v1.json': 'MLP(3 → 4 tanh → 2 rbf(0.5) → 2 softmax)',
      'sequential-v1.json':
        'Sequential(Linear(3 → 4, float32) → relu → Sequential(Linear(4 → 4, float32) → leakyRelu(0.2)) → ' +
        'RBF(gamma=-0.0007811018731445074, learnable) → MLP(4 → 3 softplus → 3 identity) → RBF(gamma=0.25) → ' +
        'Linear(3 → 3, no bias, float32) → softmax)',
    };
    for (const [name, description] of Object.entries(described)) {
      const fixture = new URL(`../fixtures/${name}`, import.meta.url);
      const loaded = await load(fixture);
      expect(loaded.describe(), name).toBe(description);
      const file = join(dir, name);
      await save(loaded, file);
      expect(await readFile(file, 'utf8'), name).toBe(await readFile(fixture, 'utf8'));
    }
  });

  it('replaces an existing file', async () => {
    const file = join(dir, 'model.json');
    await writeFile(file, 'old');
    const mlp = new MLP({ inputs: 2, hidden: [2], seed: 1 });
    await save(mlp, file);
    expect(await readFile(file, 'utf8')).toBe(toJSONString(mlp));
    expect(await entries()).toEqual(['model.json']);
  });
});

describe('save is atomic', () => {
  const model = () => new MLP({ inputs: 2, hidden: [3], seed: 7 });

  async function oldFile(): Promise<string> {
    const file = join(dir, 'model.json');
    await writeFile(file, 'the old model');
    return file;
  }

  async function saveError(m: Module, file: string): Promise<ValueError> {
    const error = await save(m, file).then(
      () => expect.fail('save should have failed'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValueError);
    return error as ValueError;
  }

  it('a rename that fails leaves the old file intact and no temporary file', async () => {
    const file = await oldFile();
    vi.mocked(fs.rename).mockRejectedValueOnce(
      Object.assign(new Error('EXDEV: simulated rename failure'), { code: 'EXDEV' }),
    );
    const e = await saveError(model(), file);
    expect(e.message).toContain(`save: cannot write ${file}: EXDEV: simulated rename failure`);
    expect((e.cause as { code?: string }).code).toBe('EXDEV');
    expect(await readFile(file, 'utf8')).toBe('the old model');
    expect(await entries()).toEqual(['model.json']);
  });

  it('a write that fails halfway (disk full) leaves the old file intact and no temporary file', async () => {
    const file = await oldFile();
    const actualOpen = (
      await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')
    ).open;
    vi.mocked(fs.open).mockImplementationOnce((async (path: string, flags: string) => {
      const handle = await actualOpen(path, flags);
      return Object.assign(Object.create(handle), {
        close: () => handle.close(),
        sync: () => handle.sync(),
        writeFile: async (text: string) => {
          await handle.writeFile(text.slice(0, 20)); // part of it reaches the temporary file
          throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), {
            code: 'ENOSPC',
          });
        },
      });
    }) as typeof fs.open);
    const e = await saveError(model(), file);
    expect(e.message).toContain('ENOSPC');
    expect(await readFile(file, 'utf8')).toBe('the old model');
    expect(await entries()).toEqual(['model.json']);
  });

  it('renaming onto a directory fails, leaving the directory as it was and no temporary file', async () => {
    const target = join(dir, 'model.json');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'kept');
    const e = await saveError(model(), target);
    expect(e.message).toContain(`save: cannot write ${target}`);
    expect(await readdir(target)).toEqual(['keep.txt']);
    expect(await entries()).toEqual(['model.json']);
  });

  it('a directory that does not exist is an error naming the file', async () => {
    const file = join(dir, 'missing', 'model.json');
    const e = await saveError(model(), file);
    expect(e.message).toContain(`save: cannot write ${file}`);
    expect((e.cause as { code?: string }).code).toBe('ENOENT');
    expect(await entries()).toEqual([]);
  });

  it('an unsavable model is refused before the disk is touched', async () => {
    const file = await oldFile();
    const mlp = model();
    (mlp.layers[1] as Linear).weight.data[0] = Number.NaN;
    const e = await save(mlp, file).catch((error: unknown) => error as Error);
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toContain('"layers.1.weight" holds NaN');
    expect(fs.open).not.toHaveBeenCalled();
    expect(await readFile(file, 'utf8')).toBe('the old model');
    expect(await entries()).toEqual(['model.json']);
  });
});

describe('save keeps what was there: links, permissions, long names, no stale temporary files', () => {
  const model = () => new MLP({ inputs: 2, hidden: [3], seed: 7 });

  it('writes through a symlink to its target, and the link stays a link', async () => {
    await mkdir(join(dir, 'real'));
    const target = join(dir, 'real', 'model.json');
    await writeFile(target, 'the old model');
    const link = join(dir, 'model.json');
    await symlink(join('real', 'model.json'), link); // relative, as `ln -s` makes them
    const m = model();
    await save(m, link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(join('real', 'model.json'));
    expect(await readFile(target, 'utf8')).toBe(toJSONString(m));
    expect(await entries()).toEqual(['model.json', 'real']);
    expect(await readdir(join(dir, 'real'))).toEqual(['model.json']);
  });

  it('writes through a chain of links, and creates the target of a dangling one', async () => {
    const target = join(dir, 'target.json');
    await symlink('target.json', join(dir, 'b.json')); // dangling: target.json does not exist yet
    await symlink('b.json', join(dir, 'a.json'));
    const m = model();
    await save(m, join(dir, 'a.json'));
    expect((await lstat(join(dir, 'a.json'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(dir, 'b.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe(toJSONString(m));
    expect(await entries()).toEqual(['a.json', 'b.json', 'target.json']);
  });

  it('keeps the permissions of the file it replaces (0600 stays 0600, 0640 stays 0640)', async () => {
    for (const mode of [0o600, 0o640]) {
      const file = join(dir, `model-${mode.toString(8)}.json`);
      await writeFile(file, 'the old model');
      await chmod(file, mode);
      await save(model(), file);
      expect(((await stat(file)).mode & 0o7777).toString(8)).toBe(mode.toString(8));
    }
  });

  it('saves to a name of 255 bytes, the longest a file system allows', async () => {
    const file = join(dir, `${'m'.repeat(250)}.json`);
    const m = model();
    await save(m, file);
    await save(m, file); // and replaces it
    expect(await readFile(file, 'utf8')).toBe(toJSONString(m));
    expect(await entries()).toEqual([`${'m'.repeat(250)}.json`]);
  });

  it('the next save removes the temporary file of a save that was killed, and nothing else', async () => {
    const file = join(dir, 'model.json');
    await writeFile(file, 'the old model');
    await writeFile(join(dir, '.model.json.tmp'), 'not ours'); // someone else's naming: kept
    // A child saves and is SIGKILLed just before its rename, as a killed save would be.
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@backprop/source',
        '--input-type=module',
        '-e',
        `
        import { createRequire, syncBuiltinESMExports } from 'node:module';
        const fsp = createRequire(import.meta.url)('node:fs/promises');
        fsp.rename = async () => process.kill(process.pid, 'SIGKILL');
        syncBuiltinESMExports();
        const { MLP } = await import('@backprop/layers');
        const { save } = await import('@backprop/layers/node');
        await save(new MLP({ inputs: 2, hidden: [3], seed: 7 }), ${JSON.stringify(file)});
      `,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const left = (await entries()).filter((n) => n !== 'model.json' && n !== '.model.json.tmp');
    expect(left).toHaveLength(1); // the killed save's temporary file
    expect(await readFile(file, 'utf8')).toBe('the old model');
    const m = model();
    await save(m, file);
    expect(await readFile(file, 'utf8')).toBe(toJSONString(m));
    expect(await entries()).toEqual(['.model.json.tmp', 'model.json']);
  });
});

describe('save, killed at random moments', () => {
  it('leaves the old or the new file whole, every time (12 SIGKILLs mid-save)', async () => {
    const file = join(dir, 'model.json');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    // two models large enough (about 100 KB of JSON) that a kill often lands inside a write
    const script = `
      const { MLP, toJSONString } = await import('@backprop/layers');
      const { save } = await import('@backprop/layers/node');
      const models = [1, 2].map((seed) => new MLP({ inputs: 8, hidden: [64, 64], seed }));
      const file = ${JSON.stringify(file)};
      if (process.argv.includes('--texts')) {
        console.log(JSON.stringify(models.map((m) => toJSONString(m))));
      } else {
        await save(models[0], file);
        console.log('saving');
        for (let i = 1; ; i++) await save(models[i % 2], file);
      }
    `;
    const node = (...extra: string[]) => [
      '--import',
      'tsx',
      '--conditions=@backprop/source',
      '--input-type=module',
      '-e',
      script,
      ...extra,
    ];
    const texts = JSON.parse(
      spawnSync(process.execPath, [...node(), '--', '--texts'], { cwd, encoding: 'utf8' }).stdout,
    ) as [string, string];
    const g = new Generator(18);
    for (let k = 0; k < 12; k++) {
      const child = spawn(process.execPath, node(), { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('saving')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`the saving child exited early (${code})`)));
        });
        await new Promise((r) => setTimeout(r, g.uniform() * 40)); // 0–40 ms into the loop
      } finally {
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise((r) => child.once('exit', r));
        }
      }
      const text = await readFile(file, 'utf8');
      expect(
        texts.includes(text),
        `kill ${k}: the file is neither model (${text.length} characters)`,
      ).toBe(true);
    }
    // the temporary files the killed saves left are removed by the next save
    await save(new MLP({ inputs: 2, hidden: [3], seed: 7 }), file);
    expect(await entries()).toEqual(['model.json']);
  }, 120_000);
});

describe('saveONNX', () => {
  it("writes toONNX's bytes, replacing an existing file atomically", async () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'relu', seed: 0 });
    const file = join(dir, 'model.onnx');
    await writeFile(file, 'the old model');
    await saveONNX(net, file, { opset: 18 });
    // both as plain Uint8Arrays: readFile gives a Buffer, and so does protobufjs under Node
    expect(new Uint8Array(await readFile(file))).toEqual(
      new Uint8Array(toONNX(net, { opset: 18 })),
    );
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('a rename that fails leaves the old file intact, with an error naming saveONNX and the file', async () => {
    const file = join(dir, 'model.onnx');
    await writeFile(file, 'the old model');
    vi.mocked(fs.rename).mockRejectedValueOnce(
      Object.assign(new Error('EXDEV: simulated rename failure'), { code: 'EXDEV' }),
    );
    const net = new MLP({ inputs: 2, hidden: [3], seed: 0 });
    await expect(saveONNX(net, file)).rejects.toThrow(`saveONNX: cannot write ${file}: EXDEV`);
    expect(await readFile(file, 'utf8')).toBe('the old model');
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('loadONNX reads the file back as the same network; errors name the file', async () => {
    const net = new MLP({ inputs: 2, hidden: [3], activation: 'elu(0.5)', seed: 0 });
    const file = join(dir, 'model.onnx');
    await saveONNX(net, file, { outputName: 'y' });
    const { model, options } = await loadONNX(file);
    expect(model.describe()).toBe(net.describe());
    expect(options.outputName).toBe('y');
    expect(model.forward([[0.5, -1]]).item()).toBe(net.forward([[0.5, -1]]).item());
    await writeFile(file, 'not a model');
    await expect(loadONNX(file)).rejects.toThrow(`loadONNX: ${file}: these 11 bytes`);
    await expect(loadONNX(join(dir, 'missing.onnx'))).rejects.toThrow(
      `loadONNX: cannot read ${join(dir, 'missing.onnx')}: ENOENT`,
    );
  });

  it('a model with no ONNX form is refused before the disk is touched', async () => {
    const odd = defineActivation({ name: 'odd', fn: (a) => a.mul(3) });
    const net = new MLP({ inputs: 2, hidden: [3], activation: odd });
    await expect(saveONNX(net, join(dir, 'model.onnx'))).rejects.toThrow(/activation 'odd'/);
    expect(fs.open).not.toHaveBeenCalled();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('load refuses bad files, naming the file', () => {
  async function loadError(text: string): Promise<ModelFormatError> {
    const file = join(dir, 'bad.json');
    await writeFile(file, text);
    const error = await load(file).then(
      () => expect.fail('load should have failed'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFormatError);
    const e = error as ModelFormatError;
    expect(e.file).toBe(file);
    expect(e.message.startsWith(`load(${file}): `)).toBe(true);
    return e;
  }

  it('a truncated file, with the position', async () => {
    const text = toJSONString(new MLP({ inputs: 2, hidden: [3], seed: 1 }));
    const e = await loadError(text.slice(0, 150));
    expect(e.message).toContain('not valid JSON');
    expect(e.message).toContain('position');
    expect(e.message).toContain('truncated');
  });

  it('a value where a number belongs, with the path', async () => {
    const text = toJSONString(new MLP({ inputs: 2, hidden: [3], seed: 1 })).replace(
      /("layers\.0\.bias".*?"values": \[[^,]*,[^,]*,)[^\]]*/,
      '$1null',
    );
    const e = await loadError(text);
    expect(e.path).toBe('parameters["layers.0.bias"].values[2]');
    expect(e.message).toContain(
      'parameters["layers.0.bias"].values[2]: expected a finite number, got null',
    );
  });

  it('a hostile file, leaving Object.prototype clean', async () => {
    const text = toJSONString(new Linear(1, 1)).replace(
      '"parameters": {',
      '"parameters": {"__proto__": {"polluted": true}, ',
    );
    const e = await loadError(text);
    expect(e.message).toContain('"__proto__" is not allowed');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('a file with a byte-order mark loads', async () => {
    const layer = new Linear(2, 1, { seed: 3 });
    const file = join(dir, 'bom.json');
    await writeFile(file, `\uFEFF${toJSONString(layer)}`);
    expectSameModel(await load(file), layer, batch(2, 'float64'));
  });

  it('a file that does not exist', async () => {
    const file = join(dir, 'nope.json');
    const e = await load(file).then(
      () => expect.fail('load should have failed'),
      (error: unknown) => error as ValueError,
    );
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toContain(`load: cannot read ${file}`);
    expect((e.cause as { code?: string }).code).toBe('ENOENT');
  });
});
