// A fresh project outside the workspace, with the three packages installed by name from the local
// registry (published.ts), used as users would: every entry point from ESM and CommonJS, tsc under
// each module resolution, the README's first program, anomaly mode under source maps, bundles
// (tree-shaken, and one trained in headless Chromium), and the tarballs of a clone with no registry.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { bin, PACKAGES, release, repo } from './context.js';
import { exec } from './exec.js';

const { consumer, env, registry, versions, work } = release();

describe('a fresh project that installs them by name', () => {
  const expectReport = (report: Record<string, unknown>) => {
    const { gradient, closedForm } = report as { gradient: number[]; closedForm: number[] };
    for (const [i, g] of gradient.entries()) expect(g).toBeCloseTo(closedForm[i] as number, 12);
    expect(report.wasm).toMatch(/^(relaxed-)?simd$/); // the build depends on the Node version
    expect(report.threads).toBe(2);
    expect(report.threadedMaxDiff).toBe(0);
    expect(report.jsonSame).toBe(true);
    expect(report.fileSame).toBe(true);
    expect(report.csv).toEqual({ x: [2, 2], y: [3, 6], features: ['a', 'b'] });
    expect(report.sgd).toBeCloseTo(0.4, 14);
  };

  it('has exactly the three packages, from the registry', async () => {
    const { stdout } = await exec('npm', ['ls', '--all', '--json'], { cwd: consumer, env });
    const tree = JSON.parse(stdout).dependencies;
    expect(Object.keys(tree).sort()).toEqual([
      '@backprop/core',
      '@backprop/layers',
      '@backprop/optim',
    ]);
    for (const name of PACKAGES) expect(tree[`@backprop/${name}`].resolved).toContain(registry);
  });

  it('imports every entry point as ESM', async () => {
    const { stdout } = await exec('node', ['entries.mjs'], { cwd: consumer, env });
    expectReport(JSON.parse(stdout));
  });

  it('requires every entry point as CommonJS', async () => {
    const { stdout } = await exec('node', ['entries.cjs'], { cwd: consumer, env });
    expectReport(JSON.parse(stdout));
  });

  it("runs the README's first program, which is this file word for word", async () => {
    const program = readFileSync(join(consumer, 'first.mjs'), 'utf8');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(`\`\`\`js\n${program}\`\`\``);
    const { stdout } = await exec('node', ['first.mjs'], { cwd: consumer, env });
    const [gradient, error, value] = stdout.trim().split('\n');
    // f′(2) = sin 2 + 2·cos 2 = 0.0770037…
    expect(gradient).toBe('tensor([0.0770], shape=[1])');
    expect(Number(/error (\S+)/.exec(error ?? '')?.[1])).toBeLessThan(1e-3);
    expect(Math.abs(Number(/x = 1: (\S+),/.exec(value ?? '')?.[1]) - Math.sin(1))).toBeLessThan(
      0.03,
    );
  });

  it.each([
    ['anomaly.mjs', []],
    ['anomaly.cjs', []],
    ['anomaly.mjs', ['--enable-source-maps']],
    ['anomaly.cjs', ['--enable-source-maps']],
  ])(
    'names the user’s line in anomaly mode, also inside a layers model: node %s %s (the shipped source maps)',
    async (file, flags) => {
      const { stdout } = await exec('node', [...flags, file], { cwd: consumer, env });
      const at = (line: number) => `${file.replace('.', '\\.')}:${line}:\\d+\\)?`;
      expect(stdout).toMatch(
        new RegExp(
          `^log produced NaN .* from finite inputs; the op was called at .*${at(6)}\n` +
            `linear produced Infinity .* from finite inputs; the op was called at .*${at(15)}\n$`,
        ),
      );
    },
  );

  // A consumer's own tsc, strict and checking our .d.ts files (skipLibCheck off), with Node's
  // types. customConditions: ['source'] is common in monorepos; it must not reach raw sources.
  const typeRoots = [fileURLToPath(new URL('../node_modules/@types', import.meta.url))];
  const conditions = ['source', '@backprop/source'];
  const matrix = [
    { label: 'node16, ESM', file: 'program.mts', module: 'node16', moduleResolution: 'node16' },
    {
      label: 'node16, CommonJS',
      file: 'program.cts',
      module: 'node16',
      moduleResolution: 'node16',
    },
    {
      label: 'node16 + customConditions',
      file: 'program.mts',
      module: 'node16',
      moduleResolution: 'node16',
      customConditions: conditions,
    },
    { label: 'bundler', file: 'program.ts', module: 'esnext', moduleResolution: 'bundler' },
    {
      label: 'bundler + customConditions',
      file: 'program.ts',
      module: 'esnext',
      moduleResolution: 'bundler',
      customConditions: conditions,
    },
    // node10 is deprecated in TypeScript 6 (hence ignoreDeprecations), and still common
    {
      label: 'node10',
      file: 'program.ts',
      module: 'commonjs',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
    },
  ];
  it.each(matrix)(
    'type-checks with tsc under $label',
    async ({ label, file, ...options }) => {
      const dir = join(consumer, `tsc-${label.replace(/[^a-z0-9]+/gi, '-')}`);
      mkdirSync(dir);
      cpSync(join(consumer, 'program.ts'), join(dir, file));
      const config = {
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'es2022',
          lib: ['es2022'],
          types: ['node'],
          typeRoots,
          ...options,
        },
        files: [file],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
      await exec(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, env });
    },
    60_000,
  );

  it('bundles for the browser and trains the lecture’s network in headless Chromium, on the WebAssembly kernels', async () => {
    expect(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium)`).toBe(true);
    const site = join(consumer, 'browser');
    await build({
      absWorkingDir: consumer,
      entryPoints: ['browser/main.mjs'],
      bundle: true,
      format: 'esm',
      platform: 'browser', // a Node module anywhere in the bundle fails the build
      outfile: join(site, 'bundle.js'),
      logLevel: 'silent',
    });
    const server = await serve(site);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const address = server.address() as { port: number };
      await page.goto(`http://127.0.0.1:${address.port}/index.html`);
      const result = page.locator('#result:not([data-state="running"])');
      await result.waitFor({ timeout: 60_000 });
      const shown = (await result.textContent()) ?? '';
      expect(await result.getAttribute('data-state'), shown).toBe('done');
      expect(errors).toEqual([]);
      const onPage = JSON.parse(shown);
      // the same script in Node, with the same installed packages
      const { stdout } = await exec(
        'node',
        [
          '--input-type=module',
          '-e',
          "import('./browser/train.mjs').then((m) => console.log(JSON.stringify(m.report())))",
        ],
        { cwd: consumer, env },
      );
      const inNode = JSON.parse(stdout);
      console.log(
        `Chromium: WebAssembly build ${onPage.wasm.build}; summed error per epoch ${onPage.wasmLosses[0].toFixed(6)} → ${onPage.wasmLosses.at(-1).toFixed(6)}`,
      );
      expect(['simd', 'relaxed-simd']).toContain(onPage.wasm.build);
      const losses: number[] = onPage.wasmLosses;
      expect(losses).toHaveLength(40);
      expect(losses.at(-1) as number).toBeLessThan((losses[0] as number) / 2);
      // the WebAssembly kernels agree with the JavaScript ones, and the page with Node (fused
      // multiply-adds in Chromium's relaxed-SIMD build round differently: hence not bit for bit)
      for (const other of [onPage.jsLosses, inNode.wasmLosses, inNode.jsLosses]) {
        const worst = Math.max(...losses.map((l, i) => Math.abs(l - other[i]) / l));
        expect(worst).toBeLessThan(1e-9);
      }
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);

  it('tree-shakes: a bundle keeps only what it imports (no import side effects)', async () => {
    const bundle = async (name: string, code: string) => {
      const outfile = join(consumer, `shake-${name}.mjs`);
      await build({
        absWorkingDir: consumer,
        stdin: { contents: code, resolveDir: consumer, loader: 'js' },
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        outfile,
        logLevel: 'silent',
      });
      const { stdout } = await exec('node', [outfile], { cwd: consumer, env });
      return { code: readFileSync(outfile, 'utf8'), printed: stdout.trim() };
    };
    // the catalog's entries, MLP's slide view and Sequential's item check, as markers of what was kept
    const catalog = /hard tanh clamp/;
    const mlp = /slideWeights/;
    const sequential = /Sequential item/;
    const onnx = /ModelProto/; // the bundled protobuf messages of toONNX and fromONNX
    const cases = [
      {
        name: 'mse',
        code: "import { tensor } from '@backprop/core'; import { mse } from '@backprop/layers'; console.log(mse(tensor([1]), [3]).item());",
        printed: '4',
        kept: [],
        dropped: [catalog, mlp, onnx],
      },
      {
        name: 'MLP by name', // the catalog fills itself on first use
        code: "import { tensor } from '@backprop/core'; import { MLP } from '@backprop/layers'; console.log(new MLP({ inputs: 2, hidden: [3], activation: 'softsign', seed: 1 }).forward(tensor([[1, 2]])).shape.join('x'));",
        printed: '1x1',
        kept: [catalog],
        dropped: [onnx],
      },
      {
        name: 'Linear', // its toJSON goes through its own codec: no other model, no catalog
        code: "import { Linear } from '@backprop/layers'; const layer = new Linear(2, 3, { seed: 0 }); console.log(layer.forward([[1, 2]]).shape.join('x'), Object.keys(layer.toJSON().parameters).join(','));",
        printed: '1x3 weight,bias',
        kept: [],
        dropped: [catalog, mlp, sequential, onnx],
      },
      {
        name: 'toONNX and back',
        code: "import { MLP } from '@backprop/layers'; import { fromONNX, toONNX } from '@backprop/layers/onnx'; console.log(fromONNX(toONNX(new MLP({ inputs: 2, hidden: [3], activation: 'tanh', seed: 0 }))).model.describe());",
        printed: 'MLP(2 → 3 tanh → 1 identity)',
        kept: [onnx, catalog],
        dropped: [],
      },
      {
        name: 'meanSquaredError',
        code: "import { meanSquaredError } from '@backprop/optim'; console.log(meanSquaredError([1, 2], [3, 2]));",
        printed: '2',
        kept: [],
        dropped: [catalog, mlp],
      },
    ];
    const sizes: string[] = [];
    for (const { name, code, printed, kept, dropped } of cases) {
      const made = await bundle(name.replace(/ /g, '-'), code);
      expect(made.printed, name).toBe(printed);
      for (const marker of kept) expect(made.code, name).toMatch(marker);
      for (const marker of dropped) expect(made.code, name).not.toMatch(marker);
      sizes.push(`${name} ${(made.code.length / 1024).toFixed(0)} KiB`);
    }
    console.log(`bundle sizes (unminified): ${sizes.join(', ')}`);
  });

  it('installs from the tarballs of a clone (pnpm tarballs), with no registry at all', async () => {
    await exec(process.execPath, [join(repo, 'scripts/tarballs.mjs')], { cwd: repo });
    const offline = join(work, 'offline');
    mkdirSync(offline);
    cpSync(join(consumer, 'entries.mjs'), join(offline, 'entries.mjs'));
    cpSync(join(consumer, 'exercise.cjs'), join(offline, 'exercise.cjs'));
    writeFileSync(join(offline, 'package.json'), '{ "name": "offline", "private": true }\n');
    const tarballs = PACKAGES.map((name) =>
      join(repo, 'tarballs', `backprop-${name}-${versions[name]}.tgz`),
    );
    const noRegistry = { ...env, npm_config_registry: 'http://127.0.0.1:9/' }; // nothing listens
    await exec('npm', ['install', ...tarballs], { cwd: offline, env: noRegistry });
    const { stdout } = await exec('node', ['entries.mjs'], { cwd: offline, env: noRegistry });
    expectReport(JSON.parse(stdout));
  }, 180_000);
});

/** Serves `dir` on 127.0.0.1 (a port of the system's choosing). */
async function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((request, response) => {
    const path = join(dir, posix.normalize(new URL(request.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(dir) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream',
    });
    response.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
