// Checkpoints, --resume and Ctrl-C, through the real binary: a run stopped and resumed must end
// with the very weights of a run never stopped, and nothing already on disk may be lost.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { backprop, bin, data } from './run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backprop-resume-'));
});

const readJson = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8'));
/** The network's parameters as the model file stores them. */
const weights = async (file: string) => (await readJson(file)).network.parameters;

async function ok(...args: string[]) {
  const r = await backprop(dir, ...args);
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r;
}

describe('train --checkpoint-every --resume', () => {
  it.each([
    ['diabetes', 'progression', ['--early-stopping', '--patience', '50']],
    ['iris', 'species', ['--optimizer', 'momentum', '--lr', '0.05', '--batch-size', '1']],
  ])(
    '%s: 4 epochs, then --resume to 6, gives the weights of 6 epochs in one go',
    async (name, target, extra) => {
      const common = [
        'train',
        data(name),
        '--target',
        target,
        '--hidden',
        '5',
        '--seed',
        '4',
        ...extra,
      ];
      await ok(
        ...common,
        '--epochs',
        '6',
        '--checkpoint-every',
        '2',
        '--out',
        `${name}-whole.json`,
      );
      expect((await readJson(`${name}-whole.checkpoint.json`)).epoch).toBe(6);

      await ok(
        ...common,
        '--epochs',
        '4',
        '--checkpoint-every',
        '2',
        '--out',
        `${name}-parts.json`,
      );
      const four = await readJson(`${name}-parts.checkpoint.json`);
      expect(four.epoch).toBe(4);
      expect(four.state.history.epochs).toHaveLength(4);
      const resumed = await ok(
        ...common,
        '--epochs',
        '6',
        '--checkpoint-every',
        '2',
        '--out',
        `${name}-parts.json`,
        '--resume',
      );
      expect(resumed.stdout).toMatch(`resuming from ${name}-parts.checkpoint.json after epoch 4`);

      const whole = await weights(`${name}-whole.json`);
      expect(await weights(`${name}-parts.json`)).toEqual(whole);
      // and the 4-epoch weights differ from them: the resumed run did train
      expect(four.model.network.parameters).not.toEqual(whole);
    },
  );

  it('refuses to resume a checkpoint of other options or another run mode', async () => {
    const common = ['train', data('diabetes'), '--target', 'progression', '--epochs', '2'];
    await ok(...common, '--checkpoint-every', '1', '--checkpoint', 'other.ckpt');
    const r = await backprop(
      dir,
      ...common,
      '--lr',
      '0.02',
      '--checkpoint',
      'other.ckpt',
      '--resume',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /other\.ckpt is a checkpoint of another run \(lr was 0\.01, now 0\.02\)/,
    );
    const none = await backprop(dir, ...common, '--checkpoint', 'missing.ckpt', '--resume');
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/no checkpoint at missing\.ckpt/);
    const cv = await backprop(dir, ...common, '--cv', '3', '--resume');
    expect(cv.exitCode).toBe(1);
    expect(cv.stderr).toMatch(/not with --cv/);
    for (const e of [r, none, cv]) expect(e.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('Ctrl-C during training', () => {
  it('writes a checkpoint, exits 130, leaves --out alone, and the checkpoint resumes exactly', async () => {
    const out = join(dir, 'ctrl-c.json');
    await writeFile(out, 'an earlier model\n');
    const common = ['train', data('diabetes'), '--target', 'progression', '--hidden', '4'];
    // a run far too long to end by itself; SIGINT once its first checkpoint shows it is training
    const child = execa(
      'node',
      [bin, ...common, '--epochs', '1000000', '--checkpoint-every', '3', '--out', out],
      {
        reject: false,
        cwd: dir,
      },
    );
    const checkpoint = join(dir, 'ctrl-c.checkpoint.json');
    for (;;) {
      const there = await readFile(checkpoint).then(
        () => true,
        () => false,
      );
      if (there) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const epoch = Number(
      /interrupted after epoch (\d+) of 1000000: checkpoint written to .*ctrl-c\.checkpoint\.json/.exec(
        r.stderr,
      )?.[1],
    );
    expect(epoch).toBeGreaterThanOrEqual(3);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(out, 'utf8')).toBe('an earlier model\n');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const saved = await readJson('ctrl-c.checkpoint.json');
    expect(saved.epoch).toBe(epoch);

    // go on for two more epochs, and compare with a run of that many epochs never stopped
    const more = String(epoch + 2);
    await ok(...common, '--epochs', more, '--out', out, '--resume');
    await ok(...common, '--epochs', more, '--out', 'ctrl-c-whole.json');
    expect(await weights('ctrl-c.json')).toEqual(await weights('ctrl-c-whole.json'));
  });
});

describe('divergence', () => {
  it('stops with fit’s message, keeps the last good checkpoint and the old --out', async () => {
    await writeFile(join(dir, 'diverged.json'), 'an earlier model\n');
    // plain SGD at lr 1 on the diabetes data: epoch 1 is still finite, epoch 2 explodes
    const common = [
      'train',
      data('diabetes'),
      '--target',
      'progression',
      '--optimizer',
      'sgd',
      '--lr',
      '1',
    ];
    const r = await backprop(
      dir,
      ...common,
      '--epochs',
      '50',
      '--checkpoint-every',
      '1',
      '--out',
      'diverged.json',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /fit: epoch 2: the loss .* is more than divergenceFactor \(1000000\) × the loss at the initial weights.*The last checkpoint \(epoch 1\) is kept in diverged\.checkpoint\.json/,
    );
    expect(r.stderr).toMatch(/try a lower --lr/);
    expect(await readFile(join(dir, 'diverged.json'), 'utf8')).toBe('an earlier model\n');
    const saved = await readJson('diverged.checkpoint.json');
    expect(saved.epoch).toBe(1);
    // the checkpoint loads: resumed with --epochs 1 it is the model of a 1-epoch run
    await ok(...common, '--epochs', '1', '--out', 'diverged.json', '--resume');
    await ok(...common, '--epochs', '1', '--out', 'one-epoch.json');
    expect(await weights('diverged.json')).toEqual(await weights('one-epoch.json'));
  });
});
