// @backprop/core must run unchanged in a browser: bundle it for the browser platform (any Node
// built-in import would fail to resolve) and run it in a realm that has only ECMAScript globals.
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const coreEntry = fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url));

/** @backprop/core bundled for browsers as one script defining the global `backprop`. */
async function bundleCore(): Promise<string> {
  const bundle = await build({
    entryPoints: [coreEntry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'backprop',
    write: false,
    logLevel: 'silent',
  });
  return bundle.outputFiles[0]?.text ?? '';
}

it('bundles @backprop/core for the browser and computes a gradient with no Node globals', async () => {
  const code = await bundleCore();
  const realm = vm.createContext({}); // no process, require, Buffer, window or document
  const run = `${code}
    const x = backprop.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d/dx Σx² = 2x
    JSON.stringify(Array.from(x.grad.data));`;
  expect(vm.runInContext(run, realm)).toBe('[2,4,6]');
  expect(vm.runInContext('typeof process + typeof require', realm)).toBe('undefinedundefined');
});

it('runs the WebAssembly matmul in the browser bundle, or falls back to JS without it', async () => {
  const code = await bundleCore();
  // 40×40 products are above the WebAssembly threshold; the same numbers must come out either way
  const run = `${code}
    const a = backprop.randn([40, 40], { seed: 1 });
    const b = backprop.randn([40, 40], { seed: 2 });
    const viaDefault = a.matmul(b).data;
    backprop.setKernelBackend('js');
    const viaJs = a.matmul(b).data;
    let worst = 0;
    for (let i = 0; i < viaJs.length; i++) worst = Math.max(worst, Math.abs(viaDefault[i] - viaJs[i]));
    worst;`;
  expect(vm.runInContext(run, vm.createContext({}))).toBeLessThan(1e-12);
  // a realm where WebAssembly code generation is refused must still compute, through the JS kernel
  const noWasm = vm.createContext({}, { codeGeneration: { strings: true, wasm: false } });
  const script = `${code}
    const x = backprop.randn([40, 40], { seed: 1 });
    JSON.stringify(Number(x.matmul(x).sum().item().toFixed(9)));`;
  expect(vm.runInContext(script, noWasm)).toBe(vm.runInContext(script, vm.createContext({})));
});
