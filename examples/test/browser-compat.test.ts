// @backprop/core must run unchanged in a browser: bundle it for the browser platform (any Node
// built-in import would fail to resolve) and run it in a realm that has only ECMAScript globals.
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const coreEntry = fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url));

it('bundles @backprop/core for the browser and computes a gradient with no Node globals', async () => {
  const bundle = await build({
    entryPoints: [coreEntry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'backprop',
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  const realm = vm.createContext({}); // no process, require, Buffer, window or document
  const run = `${code}
    const x = backprop.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d/dx Σx² = 2x
    JSON.stringify(Array.from(x.grad.data));`;
  expect(vm.runInContext(run, realm)).toBe('[2,4,6]');
  expect(vm.runInContext('typeof process + typeof require', realm)).toBe('undefinedundefined');
});
