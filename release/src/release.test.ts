// The release, as a user meets it: the three packages published with `pnpm publish` to a local
// Verdaccio, then installed by name into a fresh project outside the workspace with plain
// `npm install`, and used there: every entry point from ESM and CommonJS, tsc under each module
// resolution, publint, arethetypeswrong, and a browser bundle trained in headless Chromium.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TarballFile, unpack } from '@publint/pack';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from './exec.js';
import { type Registry, startRegistry } from './registry.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('../consumer', import.meta.url));
const bin = (name: string) =>
  fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const PACKAGES = ['core', 'layers', 'optim'] as const;
type Name = (typeof PACKAGES)[number];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The pnpm running this test (pnpm test:release), else the one on PATH.
const pnpm =
  process.env.npm_config_user_agent?.startsWith('pnpm/') && process.env.npm_execpath
    ? process.env.npm_execpath
    : 'pnpm';

/**
 * The environment for npm and node in the consumer: none of the npm_config_* settings that the
 * surrounding `pnpm run` exports, an empty user config and a fresh cache, so that everything the
 * project installs comes from the test's registry.
 */
function consumerEnv(work: string, registry: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)),
  );
  const userconfig = join(work, 'empty.npmrc');
  writeFileSync(userconfig, '');
  return {
    ...env,
    npm_config_registry: registry,
    npm_config_userconfig: userconfig,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

let work: string;
let registry: Registry | undefined;
let consumer: string;
let env: NodeJS.ProcessEnv;
const published = {} as Record<
  Name,
  { version: string; tarball: Uint8Array; files: TarballFile[] }
>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'backprop-release-'));
  registry = await startRegistry(join(work, 'registry'));
  // pnpm publish packs each package as it goes to a registry: prepack builds it, workspace:
  // ranges become versions, publishConfig.exports replaces the in-repo exports map.
  await exec(
    pnpm,
    ['-r', '--filter=./packages/*', 'publish', '--registry', registry.url, '--no-git-checks'],
    { cwd: repo, env: { ...process.env, npm_config_userconfig: registry.npmrc } },
  );
  for (const name of PACKAGES) {
    const meta = (await (await fetch(`${registry.url}@backprop%2f${name}`)).json()) as {
      'dist-tags': { latest: string };
      versions: Record<string, { dist: { tarball: string } }>;
    };
    const version = meta['dist-tags'].latest;
    const url = meta.versions[version]?.dist.tarball as string;
    const tarball = new Uint8Array(await (await fetch(url)).arrayBuffer());
    published[name] = { version, tarball, files: (await unpack(tarball)).files };
  }

  consumer = join(work, 'consumer');
  cpSync(fixtures, consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  env = consumerEnv(work, registry.url);
  await exec('npm', ['install', '@backprop/core', '@backprop/layers', '@backprop/optim'], {
    cwd: consumer,
    env,
  });
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const text = (file: TarballFile | undefined) => new TextDecoder().decode(file?.data);
const manifest = (name: Name) =>
  JSON.parse(text(published[name].files.find((f) => f.name === 'package/package.json')));

describe('the published tarballs', () => {
  it('hold only dist/, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    const rows: string[] = [];
    for (const name of PACKAGES) {
      const { files, tarball, version } = published[name];
      const paths = files.map((f) => f.name.replace(/^package\//, '')).sort();
      for (const path of paths)
        expect(path, name).toMatch(
          /^(dist\/[^/]+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/,
        );
      for (const required of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'])
        expect(paths, name).toContain(required);
      for (const entry of ['index', 'node'])
        for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts'])
          expect(paths, name).toContain(`dist/${entry}${ext}`);
      expect(
        paths.filter((p) => /\.test\.|fixtures|\.ts$/.test(p) && !/\.d\.c?ts$/.test(p)),
      ).toEqual([]);
      const unpacked = files.reduce((n, f) => n + f.data.length, 0);
      rows.push(
        `@backprop/${name}@${version}: ${(tarball.length / 1024).toFixed(1)} KiB packed, ` +
          `${(unpacked / 1024).toFixed(1)} KiB unpacked, ${files.length} files: ${paths.join(' ')}`,
      );
    }
    console.log(rows.join('\n'));
  });

  it('have one version, MIT licences and no in-repo source condition or workspace: range', () => {
    const version = published.core.version;
    for (const name of PACKAGES) {
      const pkg = manifest(name);
      // the development scripts go along (npm publishes them); everything else must be clean
      const { scripts: _scripts, ...rest } = pkg;
      const raw = JSON.stringify(rest);
      expect(pkg.version).toBe(version);
      expect(raw).not.toMatch(/@backprop\/source|"source"|workspace:|\.\/src\//);
      expect(pkg.license).toBe('MIT');
      expect(text(published[name].files.find((f) => f.name === 'package/LICENSE'))).toMatch(
        /^MIT License/,
      );
      expect(pkg.engines.node).toBe('>=20');
      expect(pkg.repository.directory).toBe(`packages/${name}`);
      expect(pkg.publishConfig.access).toBe('public');
      for (const [dep, range] of Object.entries(pkg.dependencies ?? {}))
        expect(`${dep}@${range}`).toBe(`${dep}@^${version}`);
    }
  });

  it('have READMEs whose links work on the npm page (absolute, or to a shipped file)', () => {
    for (const name of PACKAGES) {
      const { files } = published[name];
      const readme = text(files.find((f) => f.name === 'package/README.md'));
      const targets = [...readme.matchAll(/\]\(([^)\s]+)\)|href="([^"]+)"/g)].map(
        (m) => (m[1] ?? m[2]) as string,
      );
      expect(targets.length, name).toBeGreaterThan(0);
      for (const target of targets) {
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const path = posix.normalize(posix.join('package', target.split('#')[0] as string));
        expect(
          files.some((f) => f.name === path),
          `${name}: README links to ${target}`,
        ).toBe(true);
      }
    }
  });

  it('pass publint with no errors, warnings or suggestions', async () => {
    for (const name of PACKAGES) {
      const { messages, pkg } = await publint({
        pack: { tarball: published[name].tarball.slice().buffer },
        level: 'suggestion',
        strict: true,
      });
      const said = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
      console.log(`publint @backprop/${name}: ${said.length === 0 ? 'all good' : said.join('; ')}`);
      expect(said, name).toEqual([]);
    }
  });

  it('pass arethetypeswrong for every entry under node10, node16 (CJS and ESM) and bundler', async () => {
    for (const name of PACKAGES) {
      const file = join(work, `${name}.tgz`);
      writeFileSync(file, published[name].tarball);
      const { stdout } = await exec(bin('attw'), [file, '--format', 'json'], {
        cwd: work,
        ok: [0, 1],
      });
      const { analysis, problems } = JSON.parse(stdout);
      expect(problems, name).toEqual({});
      expect(Object.keys(analysis.entrypoints).sort()).toEqual(['.', './node', './package.json']);
      for (const [subpath, entry] of Object.entries<{
        resolutions: Record<string, { resolution?: { fileName: string } }>;
      }>(analysis.entrypoints)) {
        const kinds = Object.keys(entry.resolutions).sort();
        expect(kinds).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
        for (const kind of kinds)
          expect(
            entry.resolutions[kind]?.resolution?.fileName,
            `${name} ${subpath} ${kind}`,
          ).toBeTruthy();
      }
      console.log(
        `arethetypeswrong @backprop/${name}: no problems (., ./node; node10, node16-cjs, node16-esm, bundler)`,
      );
    }
  }, 120_000);
});

describe('a fresh project that installs them by name', () => {
  const expectReport = (report: Record<string, unknown>) => {
    const { gradient, closedForm } = report as { gradient: number[]; closedForm: number[] };
    for (const [i, g] of gradient.entries()) expect(g).toBeCloseTo(closedForm[i] as number, 12);
    expect(report.wasm).toBe('simd'); // Node 20's default WebAssembly build
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
    for (const name of PACKAGES)
      expect(tree[`@backprop/${name}`].resolved).toContain(registry?.url);
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
    'names the user’s line in anomaly mode: node %s %s (the shipped source maps)',
    async (file, flags) => {
      const { stdout } = await exec('node', [...flags, file], { cwd: consumer, env });
      expect(stdout).toMatch(
        new RegExp(
          `^log produced NaN .* from finite inputs; the op was called at .*${file.replace('.', '\\.')}:5:\\d+\\)?\n$`,
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
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
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
    // the catalog's entries and MLP's slide view, as markers of what was kept
    const catalog = /hard tanh clamp/;
    const mlp = /slideWeights/;
    const loss = await bundle(
      'loss',
      "import { tensor } from '@backprop/core'; import { mse } from '@backprop/layers'; console.log(mse(tensor([1]), [3]).item());",
    );
    expect(loss.printed).toBe('4');
    expect(loss.code).not.toMatch(catalog);
    expect(loss.code).not.toMatch(mlp);
    const byName = await bundle(
      'by-name',
      "import { tensor } from '@backprop/core'; import { MLP } from '@backprop/layers'; console.log(new MLP({ inputs: 2, hidden: [3], activation: 'softsign', seed: 1 }).forward(tensor([[1, 2]])).shape.join('x'));",
    );
    expect(byName.printed).toBe('1x1'); // the catalog filled itself on first use
    expect(byName.code).toMatch(catalog);
    const metric = await bundle(
      'metric',
      "import { meanSquaredError } from '@backprop/optim'; console.log(meanSquaredError([1, 2], [3, 2]));",
    );
    expect(metric.printed).toBe('2');
    expect(metric.code).not.toMatch(catalog);
    expect(metric.code).not.toMatch(mlp);
    console.log(
      `bundle sizes (unminified): mse ${(loss.code.length / 1024).toFixed(0)} KiB, MLP by name ${(byName.code.length / 1024).toFixed(0)} KiB, meanSquaredError ${(metric.code.length / 1024).toFixed(0)} KiB`,
    );
  });

  it('installs from the tarballs of a clone (pnpm tarballs), with no registry at all', async () => {
    await exec(process.execPath, [join(repo, 'scripts/tarballs.mjs')], { cwd: repo });
    const offline = join(work, 'offline');
    mkdirSync(offline);
    cpSync(join(consumer, 'entries.mjs'), join(offline, 'entries.mjs'));
    cpSync(join(consumer, 'exercise.cjs'), join(offline, 'exercise.cjs'));
    writeFileSync(join(offline, 'package.json'), '{ "name": "offline", "private": true }\n');
    const tarballs = PACKAGES.map((name) =>
      join(repo, 'tarballs', `backprop-${name}-${published[name].version}.tgz`),
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
