// docs/serving-onnx.md, run: its commands write diabetes.onnx, its Node and Python blocks (```js
// onnxruntime, ```python onnxruntime) run on that file and must print what their `→` comments say
// and what `backprop predict` gives for the same rows; its table of ONNX operators must be what
// toONNX writes for every catalog activation.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activationEntries, activationName, getActivation, MLP } from '@backprop/layers';
import { toONNX } from '@backprop/layers/onnx';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const page = readFileSync(here('../../docs/serving-onnx.md'), 'utf8');
const bin = here('../../packages/cli/bin/backprop.mjs');
const PYTHON = '/usr/bin/python3';

/** The bodies of the page's fences whose info string is `info`. */
function fences(info: string): string[] {
  const found = [...page.matchAll(/^```(.*)\n([\s\S]*?)^```$/gm)];
  return found.filter((m) => m[1]?.trim() === info).map((m) => m[2] as string);
}

/** The text after `→` in a block's comment (`// →` or `# →`): what the block must print. */
const promised = (code: string) => code.match(/(?:\/\/|#) → (.*)$/m)?.[1];

const dir = mkdtempSync(join(tmpdir(), 'backprop-serving-'));
let predicted: number[] = [];
beforeAll(() => {
  symlinkSync(here('../../examples'), join(dir, 'examples'));
  // the page's own commands, `npx backprop` run as this clone's binary
  const transcript = fences('text').find((b) => b.startsWith('$ npx backprop train')) ?? '';
  const commands = transcript.split('\n').filter((l) => l.startsWith('$ npx backprop '));
  expect(commands).toHaveLength(2);
  for (const command of commands) {
    const args = command.slice('$ npx backprop '.length).split(' ');
    execFileSync('node', [bin, ...args], { cwd: dir, stdio: 'pipe' });
  }
  const out = execFileSync(
    'node',
    [bin, 'predict', 'diabetes-model.json', 'examples/data/diabetes.csv', '--json'],
    { cwd: dir, encoding: 'utf8' },
  );
  predicted = JSON.parse(out).predictions.slice(0, 3);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page's rounding of backprop predict's numbers for the first three rows. */
const rounded = () => predicted.map((v) => v.toFixed(2));

describe('docs/serving-onnx.md', () => {
  it('the Node block runs in onnxruntime-node and prints what backprop predict gives', () => {
    const [code] = fences('js onnxruntime');
    expect(fences('js onnxruntime')).toHaveLength(1);
    // beside onnx-test's node_modules, so that onnxruntime-node and @backprop/layers resolve
    const file = here(`../.serving-${process.pid}.mjs`);
    writeFileSync(file, code as string);
    try {
      const out = execFileSync('node', [file], { cwd: dir, encoding: 'utf8' }).trim();
      expect(out).toBe(promised(code as string));
      expect(out).toBe(
        `[ ${rounded()
          .map((v) => `'${v}'`)
          .join(', ')} ]`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  });

  const real = spawnSync(PYTHON, ['-c', 'import onnxruntime, numpy'], { encoding: 'utf8' });
  const standIn = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
  const noPython =
    real.status === 0 || standIn.status === 0
      ? ''
      : `${PYTHON} has neither onnxruntime nor onnx and numpy (apt-get install python3-onnx)`;
  if (noPython) console.warn(`[onnx] skipping the docs' Python block: ${noPython}`);
  else if (real.status !== 0) {
    console.log(
      "[onnx] Python's onnxruntime is not installed: the docs' Python block runs with onnx-test/python's stand-in, on onnxruntime-node",
    );
  }

  it.skipIf(noPython !== '')('the Python block prints the same predictions', () => {
    const [code] = fences('python onnxruntime');
    expect(fences('python onnxruntime')).toHaveLength(1);
    const env = { ...process.env };
    if (real.status !== 0) env.PYTHONPATH = here('../python');
    const r = spawnSync(PYTHON, ['-'], { cwd: dir, input: code, encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    const out = r.stdout.trim();
    expect(out).toBe(promised(code as string));
    // numpy prints [213.01  70.75 175.01]: the numbers, whatever the padding
    expect(out.slice(1, -1).trim().split(/\s+/).map(Number)).toEqual(rounded().map(Number));
  });

  it('the table of ONNX operators is what toONNX writes for each catalog activation', () => {
    const { onnx } = onnxProto;
    const ops = (name: string, dtype: 'float32' | 'float64') => {
      const net = new MLP({ inputs: 1, hidden: [], outputActivation: name, dtype });
      const nodes = onnx.ModelProto.decode(toONNX(net)).graph?.node ?? [];
      const types = nodes.map((n) => n.opType).filter((t) => t !== 'Gemm' && t !== 'Identity');
      return types.length ? types.join(', ') : '(none)';
    };
    // | `name` | float32 ops | float64 ops |, the cells padded to the column's width
    const rows = [...page.matchAll(/^\| `(\w+)` +\|(.*)\|(.*)\|$/gm)].map(([, name, f32, f64]) => [
      name,
      f32?.trim(),
      f64?.trim(),
    ]);
    const primary = activationEntries()
      .map((e) => e.name)
      .filter((name) => activationName(getActivation(name)) === name);
    expect(rows.map(([name]) => name)).toEqual(primary);
    for (const [name, f32, f64] of rows) {
      expect([name, f32, f64]).toEqual([
        name,
        ops(name as string, 'float32'),
        ops(name as string, 'float64'),
      ]);
    }
  });
});
