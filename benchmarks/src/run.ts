// The benchmark runner behind `pnpm bench`: runs every library in its own child process
// (`tsx --conditions=@backprop/source benchmarks/src/<lib>.ts <workload> [--dtype=…]`), one at a time, for
// 3 rounds, collects the JSON results they print, and writes a Markdown report with medians and
// ratios. Libraries with both dtypes (backprop, plain JS) run each dtype of A, B and C in its own
// process, so V8 never sees the other dtype's typed arrays in the same kernels.
//
//   pnpm bench                      full run → docs/benchmarks.md (several minutes)
//   pnpm bench --quick              smoke run (1 round, short loops) → benchmarks/results/quick.md
//   options: --rounds=N  --libs=backprop,plain-js,jax-js  --workloads=A,C  --out=path.md
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './common.js';
import { median, RESULT_TAG, specB, specC } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = resolve(here, '..');
const repoRoot = resolve(benchDir, '..');
const require = createRequire(import.meta.url);

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
/** `--render=results/full.json`: rewrite the report from a saved run without measuring again. */
const renderFrom = opt('render');
const saved = renderFrom
  ? (JSON.parse(readFileSync(resolve(process.cwd(), renderFrom), 'utf8')) as SavedRun)
  : undefined;
const quick = saved ? saved.meta.quick : argv.includes('--quick');
const rounds = saved ? saved.meta.rounds : Number(opt('rounds') ?? (quick ? 1 : 3));
const onlyLibs = opt('libs')?.split(',');
const onlyWorkloads = opt('workloads')?.split(',');
const defaultOut = quick
  ? join(benchDir, 'results', 'quick.md')
  : join(repoRoot, 'docs', 'benchmarks.md');
const outPath = resolve(process.cwd(), opt('out') ?? defaultOut);
if (argv.includes('--help')) {
  console.log(
    'pnpm bench [--quick] [--rounds=N] [--libs=backprop,plain-js,tfjs-cpu,tfjs-wasm,jax-js,brain.js] [--workloads=A,B,C,D,M,G] [--out=file.md] [--render=benchmarks/results/full.json]',
  );
  process.exit(0);
}

// ------------------------------------------------------------------ the plan

interface Lib {
  name: string;
  file: string;
  /** the npm package whose version the report names (none for plain JS) */
  pkg?: string;
  workloads: readonly string[];
  /** workloads run once per dtype, each in its own process (`--dtype=float32`, `--dtype=float64`) */
  perDtype?: readonly string[];
  /** workloads also run once per dtype with `--compile` (backprop's compile), each in its own process */
  compiled?: readonly string[];
  /**
   * workloads also run once per dtype in a process started with Node 20's
   * `--experimental-wasm-relaxed-simd` (`--relaxed-simd`): the kernels' fused multiply-add build,
   * which Node 22+ and Chromium 114+ take by default
   */
  relaxed?: readonly string[];
}

/** One way of running a workload: extra arguments for Node and for the child. */
interface Mode {
  tag: string;
  node: readonly string[];
  child: readonly string[];
}
// A module of one f32x4.relaxed_madd ((module (func (param v128 v128 v128) (result v128)
// (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))), by wat2wasm
// --enable-relaxed-simd): whether this Node takes relaxed SIMD without a flag.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102,
  0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);
/** Node 22+: backprop's kernels take their fused build anyway, so no flagged process is needed. */
const relaxedByDefault = (
  globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }
).WebAssembly.validate(RELAXED_PROBE);
const EAGER: Mode = { tag: '', node: [], child: [] };
const COMPILE: Mode = { tag: ' compile', node: [], child: ['--compile'] };
// Node 22+ takes relaxed SIMD without the flag, and refuses to start with it
const RELAXED: Mode = {
  tag: ' relaxed SIMD',
  node: ['--experimental-wasm-relaxed-simd'],
  child: ['--relaxed-simd'],
};

const LIBS: readonly Lib[] = [
  {
    name: 'backprop',
    file: 'backprop.ts',
    pkg: '@backprop/core',
    workloads: ['A', 'B', 'C', 'D', 'M', 'G'],
    perDtype: ['A', 'B', 'C'],
    compiled: ['B', 'C'],
    relaxed: ['A'],
  },
  // hand-written loops over typed arrays, no library: the reference for the library's overhead
  { name: 'plain-js', file: 'plain.ts', workloads: ['A', 'B', 'C'], perDtype: ['B', 'C'] },
  {
    name: 'tfjs-cpu',
    file: 'tfjs-cpu.ts',
    pkg: '@tensorflow/tfjs',
    workloads: ['A', 'B', 'C', 'D'],
  },
  {
    name: 'tfjs-wasm',
    file: 'tfjs-wasm.ts',
    pkg: '@tensorflow/tfjs-backend-wasm',
    workloads: ['A', 'B', 'C', 'D'],
  },
  { name: 'jax-js', file: 'jax.ts', pkg: '@jax-js/jax', workloads: ['A', 'B', 'C', 'D'] },
  { name: 'brain.js', file: 'brain.ts', pkg: 'brain.js', workloads: ['B', 'C'] },
];
/** Workloads measured once (memory), not per round. */
const ONCE = new Set(['M', 'G']);
const WORKLOADS = ['A', 'B', 'C', 'D', 'M', 'G'];

const libs = LIBS.filter((l) => !onlyLibs || onlyLibs.includes(l.name));
const workloads = WORKLOADS.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w));

// ------------------------------------------------------------------ running children

const tsxCli = require.resolve('tsx/cli');

interface ChildOutcome {
  results: BenchResult[];
  errors: string[];
  seconds: number;
}

function runChild(
  lib: Lib,
  workload: string,
  dtype: string | undefined,
  mode: Mode,
): Promise<ChildOutcome> {
  const args = [
    tsxCli,
    ...mode.node, // tsx hands Node's flags on to the process it starts
    '--expose-gc',
    '--conditions=@backprop/source',
    join(here, lib.file),
    workload,
    ...(quick ? ['--quick'] : []),
    ...(dtype ? [`--dtype=${dtype}`] : []),
    ...mode.child,
  ];
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, {
      cwd: benchDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), (quick ? 180 : 900) * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      const results: BenchResult[] = [];
      const errors: string[] = [];
      for (const line of out.split('\n')) {
        if (!line.startsWith(RESULT_TAG)) continue;
        const r = JSON.parse(line.slice(RESULT_TAG.length)) as BenchResult & { error?: string };
        if (r.error) errors.push(r.error);
        else results.push(r);
      }
      if (code !== 0 && errors.length === 0) {
        const lines = err.split('\n').map((l) => l.trim());
        const tail =
          lines.find((l) => /^\w*Error\b|^error|Error:/.test(l)) ??
          lines
            .filter((l) => l !== '')
            .slice(-3)
            .join(' | ');
        errors.push(signal ? `killed by ${signal} (time limit)` : `exit code ${code}: ${tail}`);
      }
      done({ results, errors, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

// ------------------------------------------------------------------ source state

/** A hash of packages/core/src, to notice when the measured code changes during a run. */
function coreSourceHash(): string {
  const h = createHash('sha1');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(p).update(readFileSync(p));
    }
  };
  walk(join(repoRoot, 'packages', 'core', 'src'));
  return h.digest('hex').slice(0, 10);
}
/** core source hash → the backprop runs ("round N workload") that measured it */
const sourceVersions = new Map<string, string[]>();

// ------------------------------------------------------------------ collect

interface Row {
  lib: string;
  workload: string;
  variant: string;
  /** one result per round that produced it */
  rounds: BenchResult[];
  /** the round number of each entry of `rounds` */
  roundNo: number[];
}
/** What a run saves next to its report (benchmarks/results/<mode>.json), enough to re-render it. */
interface Meta {
  started: string;
  quick: boolean;
  rounds: number;
  loadAtStart: number;
  loadAtEnd: number;
  machine: string;
  cores: number;
  node: string;
  versions: Record<string, string>;
  /** core source hash → the backprop runs that measured it */
  sourceVersions: [string, string[]][];
}
interface SavedRun {
  meta: Meta;
  rows: Row[];
  failures: string[];
}

const rows = new Map<string, Row>(
  (saved?.rows ?? []).map((r) => [`${r.lib}|${r.workload}|${r.variant}`, r]),
);
const failures: string[] = saved?.failures ?? [];
const loadAtStart = os.loadavg()[0] ?? 0;
const started = new Date();

const fmtNum = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
};

for (let round = 1; round <= (saved ? 0 : rounds); round++) {
  for (const w of workloads) {
    if (ONCE.has(w) && round > 1) continue;
    for (const lib of libs) {
      if (!lib.workloads.includes(w)) continue;
      const dtypes = lib.perDtype?.includes(w) ? ['float32', 'float64'] : [undefined];
      const modes = [
        EAGER,
        ...(lib.compiled?.includes(w) ? [COMPILE] : []),
        ...(lib.relaxed?.includes(w) && !relaxedByDefault ? [RELAXED] : []),
      ];
      for (const [dtype, mode] of dtypes.flatMap((d) => modes.map((m) => [d, m] as const))) {
        const job = `${w}${dtype ? ` ${dtype}` : ''}${mode.tag}`;
        process.stderr.write(`[round ${round}/${rounds}] ${lib.name} ${job} … `);
        if (lib.name === 'backprop') {
          const h = coreSourceHash();
          sourceVersions.set(h, [...(sourceVersions.get(h) ?? []), `round ${round} ${job}`]);
        }
        const o = await runChild(lib, w, dtype, mode);
        const summary = o.results
          .map((r) => `${r.variant}: ${fmtNum(r.value)} ${r.metric}`)
          .concat(o.errors.map((e) => `FAILED: ${e}`))
          .join('; ');
        process.stderr.write(`${o.seconds.toFixed(1)} s — ${summary}\n`);
        for (const e of o.errors) failures.push(`${lib.name} ${job} (round ${round}): ${e}`);
        for (const r of o.results) {
          const key = `${r.lib}|${r.workload}|${r.variant}`;
          const row = rows.get(key) ?? {
            lib: r.lib,
            workload: r.workload,
            variant: r.variant,
            rounds: [],
            roundNo: [],
          };
          row.rounds.push(r);
          row.roundNo.push(round);
          rows.set(key, row);
        }
      }
    }
  }
}
const loadAtEnd = os.loadavg()[0] ?? 0;

// ------------------------------------------------------------------ report helpers

/** The row's median over rounds (the "headline" number). */
const med = (row: Row | undefined): number =>
  row ? median(row.rounds.map((r) => r.value)) : Number.NaN;
const find = (lib: string, workload: string, variant?: string): Row | undefined =>
  [...rows.values()].find(
    (r) =>
      r.lib === lib && r.workload === workload && (variant === undefined || r.variant === variant),
  );
const higherIsBetter = (metric: string) => metric !== 'µs/op';

/** How many times faster backprop's row is than the peer's (>1: backprop faster). */
/** Median over rounds of the ratio within each round (both measured minutes apart, same load). */
function speedup(ours: Row | undefined, theirs: Row | undefined): number {
  if (!ours || !theirs) return Number.NaN;
  const up = higherIsBetter(ours.rounds[0]?.metric ?? '');
  const ratios: number[] = [];
  ours.roundNo.forEach((round, i) => {
    const j = theirs.roundNo.indexOf(round);
    if (j < 0) return;
    const a = (ours.rounds[i] as BenchResult).value;
    const b = (theirs.rounds[j] as BenchResult).value;
    ratios.push(up ? a / b : b / a);
  });
  return ratios.length ? median(ratios) : Number.NaN;
}
const fmtRatio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 10 ? 1 : 2)}×` : '—');

function pkgVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    for (;;) {
      const p = join(dir, 'package.json');
      if (existsSync(p)) {
        const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (j.name === name) return j.version ?? '?';
      }
      const up = dirname(dir);
      if (up === dir) return '?';
      dir = up;
    }
  } catch {
    return 'not installed';
  }
}

async function gitInfo(): Promise<string> {
  const run = (args: string[]) =>
    new Promise<string>((done) => {
      const c = spawn('git', args, { cwd: repoRoot });
      let s = '';
      c.stdout.on('data', (d: Buffer) => {
        s += d.toString();
      });
      c.on('error', () => done(''));
      c.on('close', () => done(s.trim()));
    });
  const head = await run(['rev-parse', '--short', 'HEAD']);
  if (!head) return 'unknown commit';
  const dirty = await run(['status', '--porcelain', '--', 'packages/core/src']);
  return dirty ? `${head} + uncommitted changes in packages/core/src` : head;
}

// ------------------------------------------------------------------ the report

const L: string[] = [];
const cell = (row: Row | undefined) => (row ? fmtNum(med(row)) : '—');
const perRound = (row: Row) => row.rounds.map((r) => fmtNum(r.value)).join(' / ');
const rmeCell = (row: Row) => {
  const rmes = row.rounds.map((r) => r.rme).filter((x): x is number => x !== undefined);
  return rmes.length ? `±${median(rmes).toFixed(1)}%` : '';
};

const cpus = os.cpus();
const meta: Meta = saved?.meta ?? {
  started: started.toISOString(),
  quick,
  rounds,
  loadAtStart,
  loadAtEnd,
  machine:
    `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} (${os.arch()})`,
  cores: cpus.length,
  node: process.version,
  versions: {},
  sourceVersions: [...sourceVersions],
};
const versions: Record<string, string> = saved?.meta.versions ?? {
  '@backprop/core': `${pkgVersion('@backprop/core')} (workspace source, ${await gitInfo()})`,
  '@tensorflow/tfjs': pkgVersion('@tensorflow/tfjs'),
  '@tensorflow/tfjs-backend-wasm': pkgVersion('@tensorflow/tfjs-backend-wasm'),
  '@jax-js/jax': pkgVersion('@jax-js/jax'),
  'brain.js': pkgVersion('brain.js'),
  'gpu.js (brain.js dependency, unused: CPU only)': pkgVersion('gpu.js'),
  benchmark: pkgVersion('benchmark'),
  tsx: pkgVersion('tsx'),
};
meta.versions = versions;

L.push(
  '# Benchmarks: backprop side by side with TensorFlow.js, jax-js, brain.js and hand-written plain JS',
);
L.push('');
L.push(
  `Written by \`pnpm bench${quick ? ' --quick' : ''}\` (benchmarks/src/run.ts); do not edit by hand, rerun it. ` +
    'Each library runs in its own Node process, one process at a time (backprop and plain JS run their ' +
    'float32 and float64 variants of A, B and C in separate processes, so V8 specialises their code for ' +
    'one typed-array kind at a time); the workloads, data and initial weights come from one module ' +
    '(benchmarks/src/common.ts), so every library trains the same model from the same numbers. ' +
    '"plain-js" is not a library: it is the same work written by hand in plain JS over typed arrays ' +
    '(benchmarks/src/plain.ts), the reference for what the library costs over hand-written code.',
);
L.push('');
L.push(
  'Reproduce: `pnpm install && pnpm bench` at the repository root (full run: 3 rounds, about 16 minutes; ' +
    '`pnpm bench --quick` is a one-round smoke run that writes benchmarks/results/quick.md instead). ' +
    'Benchmarks are not part of `npm test`.',
);
L.push('');
L.push(`- **Date:** ${meta.started.replace('T', ' ').slice(0, 16)} UTC`);
L.push(`- **Machine:** ${meta.machine}`);
L.push(
  `- **Load average** (1 min) at start ${meta.loadAtStart.toFixed(2)}, at end ${meta.loadAtEnd.toFixed(2)}` +
    (Math.max(meta.loadAtStart, meta.loadAtEnd) > meta.cores * 0.5
      ? ' — other work was running on the machine; absolute numbers are noisy, ratios within a round less so'
      : ''),
);
if (meta.sourceVersions.length > 1) {
  L.push(
    `- **Warning: packages/core/src changed during the run**: the ${meta.sourceVersions.reduce((n, [, r]) => n + r.length, 0)} ` +
      `backprop processes saw ${meta.sourceVersions.length} different versions of it, so its rounds measured ` +
      'different code; rerun on a quiet tree for numbers to quote.',
  );
}
L.push(`- **Node:** ${meta.node}`);
L.push(
  relaxedByDefault
    ? '- **WebAssembly:** this Node takes relaxed SIMD by default, so backprop\'s A rows (and every product and vector exp) ran the kernels\' fused multiply-add build; there are no separate "relaxed SIMD" rows'
    : '- **WebAssembly:** this Node takes plain SIMD by default (backprop\'s kernels: separate multiply and add); the "relaxed SIMD" rows of A come from processes started with `--experimental-wasm-relaxed-simd` (the fused multiply-add build that Node 22+ and Chromium 114+ take by default)',
);
L.push(
  `- **Mode:** ${quick ? 'quick (smoke run: 1 round, short loops; not for quoting)' : 'full'}; ` +
    `${rounds} round(s); each number is the median over rounds` +
    (saved ? ` (report re-rendered from ${renderFrom})` : ''),
);
L.push(
  `- **Versions:** ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ')}`,
);
L.push('');

// --- targets
const bp = (w: string, v: string) => find('backprop', w, v);
const tRows: [string, number, number, string][] = [];
const target = (name: string, measured: number, goal: number, unit = '×') =>
  tRows.push([name, measured, goal, unit]);
const COMPILED = 'float32, compile';
target('C: backprop f32 ÷ brain.js', speedup(bp('C', 'float32'), find('brain.js', 'C')), 1.0);
target(
  'C: backprop f32 compile ÷ brain.js',
  speedup(bp('C', COMPILED), find('brain.js', 'C')),
  1.0,
);
target('C: backprop f32 ÷ tfjs-cpu', speedup(bp('C', 'float32'), find('tfjs-cpu', 'C')), 30);
target('C: backprop f32 compile ÷ tfjs-cpu', speedup(bp('C', COMPILED), find('tfjs-cpu', 'C')), 30);
target('B: backprop f32 ÷ jax-js jit', speedup(bp('B', 'float32'), find('jax-js', 'B')), 2);
target('B: backprop f32 compile ÷ jax-js jit', speedup(bp('B', COMPILED), find('jax-js', 'B')), 2);
target('A: backprop f32 matmul GFLOP/s', med(bp('A', 'float32')), 30, ' GFLOP/s');
target('A: backprop f32 ÷ tfjs-wasm', speedup(bp('A', 'float32'), find('tfjs-wasm', 'A')), 1.4);
// on a Node that takes relaxed SIMD by default, the plain float32 row is the fused build
const RELAXED_A = relaxedByDefault ? 'float32' : 'float32, relaxed SIMD';
target('A: backprop f32 relaxed SIMD (FMA) GFLOP/s', med(bp('A', RELAXED_A)), 30, ' GFLOP/s');
target(
  'A: backprop f32 relaxed SIMD (FMA) ÷ tfjs-wasm',
  speedup(bp('A', RELAXED_A), find('tfjs-wasm', 'A')),
  1.4,
);
target('A: backprop f64 ÷ tfjs-cpu (f32)', speedup(bp('A', 'float64'), find('tfjs-cpu', 'A')), 4);
L.push('## Targets (issue 5)');
L.push('');
L.push('| target | measured | goal | measured ÷ goal | met? |');
L.push('| --- | ---: | ---: | ---: | :---: |');
for (const [name, m, g, unit] of tRows) {
  const ok = Number.isFinite(m) ? (m >= g ? '✅ met' : '❌ not met') : '— (not run)';
  const show = (x: number) => (unit === '×' ? fmtRatio(x) : `${fmtNum(x)}${unit}`);
  L.push(
    `| ${name} | ${show(m)} | ${show(g)} | ${Number.isFinite(m) ? (m / g).toFixed(2) : '—'} | ${ok} |`,
  );
}
const threaded = (['float32', 'float64'] as const).map((d) => {
  const one = bp('A', d);
  const two = bp('A', `${d}, 2 threads (useThreads)`);
  return one && two ? `${d} ${fmtRatio(speedup(two, one))}` : undefined;
});
if (threaded.some((t) => t !== undefined)) {
  L.push(
    `| A: the second core — useThreads(2) ÷ one thread (no goal; "use it where it pays") | ${threaded.filter(Boolean).join(', ')} | — | — | — |`,
  );
}
const mem32 = bp('M', 'B float32, 10 epochs');
const mem64 = bp('M', 'B float64, 10 epochs');
for (const m of [mem32, mem64]) {
  if (!m) continue;
  const grow = med(m);
  L.push(
    `| Memory: no growth across epochs (${m.variant}) | heap ${grow >= 0 ? '+' : ''}${grow.toFixed(2)} MB epoch 1→10 | < 1 MB | — | ${Math.abs(grow) < 1 ? '✅ met' : '❌ not met'} |`,
  );
}
L.push('');
L.push(
  'Ratios: backprop ÷ peer within each round (for µs/op, peer ÷ backprop), median over rounds: above 1 means backprop is faster. ' +
    'The GFLOP/s target compares the median over rounds. ' +
    'B and C have two rows each: backprop run eagerly (every op makes its tensor and graph node, backward() sorts and sweeps) ' +
    "and the same step under core's `compile` (traced once, then its kernel calls replayed), the counterpart of jax-js's `jit`.",
);
L.push('');

// --- backprop vs hand-written plain JS
const pj = (w: string, v: string) => find('plain-js', w, v);
const pjRows: [string, Row | undefined, Row | undefined][] = [
  ['A f32 ÷ naive loop (i-k-j)', bp('A', 'float32'), pj('A', 'float32, naive loop (i-k-j)')],
  ['A f32 ÷ 4×4 register-blocked', bp('A', 'float32'), pj('A', 'float32, 4×4 register-blocked')],
  ['B f32 ÷ plain JS f32', bp('B', 'float32'), pj('B', 'float32')],
  ['B f64 ÷ plain JS f64', bp('B', 'float64'), pj('B', 'float64')],
  ['C f32 ÷ plain JS f32', bp('C', 'float32'), pj('C', 'float32')],
  ['C f64 ÷ plain JS f64', bp('C', 'float64'), pj('C', 'float64')],
];
if (pjRows.some(([, o, p]) => o && p)) {
  L.push('## backprop ÷ hand-written plain JS');
  L.push('');
  L.push(
    'plain JS (`plain-js`, benchmarks/src/plain.ts) is what a competent person writes by hand without a library: ' +
      "loops over Float32Array/Float64Array, every buffer allocated once (no allocation per step), the MLP's " +
      'forward, backward and SGD derived by hand, one function per layer step; A as the naive triple loop ' +
      '(i-k-j order) and as a 4×4 register-blocked loop, scalar JS (no SIMD, no WebAssembly). It trains the same ' +
      'model from the same weights and batches (its losses are in the tables below). Above 1: backprop is faster ' +
      'than the hand-written code; below 1: that is what the library costs.',
  );
  L.push('');
  L.push('| comparison | backprop | plain JS | backprop ÷ plain JS |');
  L.push('| --- | ---: | ---: | ---: |');
  for (const [name, o, p] of pjRows) {
    if (!o && !p) continue;
    const unit = o?.rounds[0]?.metric ?? p?.rounds[0]?.metric ?? '';
    L.push(`| ${name} | ${cell(o)} ${unit} | ${cell(p)} ${unit} | ${fmtRatio(speedup(o, p))} |`);
  }
  L.push('');
}

// --- per-workload tables
interface Section {
  w: string;
  title: string;
  blurb: string;
  ours: string[]; // backprop variants to compare
}
/** Column labels for backprop's variants in the ratio columns. */
const SHORT: Record<string, string> = {
  float32: 'f32',
  float64: 'f64',
  'float32, compile': 'f32 compile',
  'float64, compile': 'f64 compile',
  'float32, relaxed SIMD': 'f32 relaxed',
  'float64, relaxed SIMD': 'f64 relaxed',
  'float32, inputs requiresGrad (records a node)': 'f32 recording',
};
const warmB = specB(quick);
const warmC = specC(quick);
const SECTIONS: Section[] = [
  {
    w: 'A',
    title: 'A. matmul, n = 512 (GFLOP/s, higher is better)',
    blurb:
      'C = A·B for two 512×512 matrices (uniform in [−1, 1)), forward only, result read back into a typed array. ' +
      "GFLOP/s = 2n³ / time, time = the median of benchmark.js's samples (each one cycle's mean time per call); " +
      "RME is benchmark.js's relative margin of error of the mean. " +
      'backprop also runs in a process started with `--experimental-wasm-relaxed-simd` (variants "…, relaxed SIMD"): ' +
      'its kernels then take their fused multiply-add build, which Node 22+ and Chromium 114+ take without a flag; ' +
      "the peers' binaries are the same either way.",
    ours: ['float32', 'float64', 'float32, relaxed SIMD', 'float64, relaxed SIMD'],
  },
  {
    w: 'B',
    title: 'B. MLP 16→64→64→1 training, batch 64 (samples/s, higher is better)',
    blurb:
      'Sigmoid then ReLU hidden layers, linear output, MSE loss, plain SGD (lr 0.01), 1024 samples cycled in ' +
      '16 batches. A step is forward + backward + update + reading the loss into JS. Timed loop: ' +
      `first a throwaway copy of the model (same weights, same batches) trains for at least ${warmB.warmupSeconds} s and at least ` +
      `${warmB.warmupMinSteps} steps, whichever takes longer, so that V8 has optimised all of the library's code whatever its speed ` +
      `(C: at least ${warmC.warmupSeconds} s and ${warmC.warmupMinSteps} steps); then the measured copy runs a fixed number of warm-up steps and of timed ` +
      'steps (the same for every library, so its losses are those of the same steps everywhere) in 10 chunks, then more ' +
      `chunks of the same size until at least ${warmB.minTimedSeconds} s are timed (this machine switches between two speeds every few ` +
      "seconds, and a fast library's fixed steps took a tenth of a second); a round's number is all timed steps over all " +
      'timed seconds, RME that of the chunk rates.',
    ours: ['float32', 'float64', 'float32, compile', 'float64, compile'],
  },
  {
    w: 'C',
    title: 'C. MLP 2→16→16→1 training, batch 1 (steps/s, higher is better)',
    blurb:
      'Sigmoid on every layer and ½(o−y)² — the network brain.js builds, so brain.js trains the same model ' +
      'from the same weights (its updates are the same SGD, momentum 1e-9). 64 samples cycled, lr 0.1. ' +
      'A step is forward + backward + update + reading the loss. Timed loop as in B.',
    ours: ['float32', 'float64', 'float32, compile', 'float64, compile'],
  },
  {
    w: 'D',
    title: 'D. one tiny op: add of two 1×16 tensors (µs/op, lower is better)',
    blurb:
      'The op plus having its result in a JS typed array (tfjs: dataSync + dispose; jax-js: dataSync). ' +
      "Median of benchmark.js's samples, as in A.",
    ours: ['float32', 'float32, inputs requiresGrad (records a node)'],
  },
];

for (const s of SECTIONS) {
  const list = [...rows.values()].filter((r) => r.workload === s.w);
  if (list.length === 0) continue;
  L.push(`## ${s.title}`);
  L.push('');
  L.push(s.blurb);
  L.push('');
  const ours = s.ours.map((v) => bp(s.w, v)).filter((r): r is Row => r !== undefined);
  const head = [
    'library',
    'variant',
    `median (${list[0]?.rounds[0]?.metric})`,
    'per round',
    'RME',
    'method',
  ];
  for (const o of ours) head.push(`backprop ${SHORT[o.variant] ?? o.variant} ÷ this`);
  L.push(`| ${head.join(' | ')} |`);
  L.push(`| ${head.map((_, i) => (i >= 2 && i !== 5 ? '---:' : '---')).join(' | ')} |`);
  for (const r of list) {
    const cells = [
      r.lib,
      r.variant,
      `**${cell(r)}**`,
      perRound(r),
      rmeCell(r),
      r.rounds[0]?.method ?? '',
    ];
    for (const o of ours) cells.push(r.lib === 'backprop' ? '' : fmtRatio(speedup(o, r)));
    L.push(`| ${cells.join(' | ')} |`);
  }
  L.push('');
  if (s.w === 'B' || s.w === 'C') {
    L.push(
      'Losses (identical initial weights and data; the same numbers mean the same model was trained):',
    );
    L.push('');
    L.push(
      '| library | variant | first step | last step | mean over last epoch | peak RSS (MB) | note |',
    );
    L.push('| --- | --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of list) {
      const f = r.rounds[0] as BenchResult;
      const same = r.rounds.every((x) => x.lastLoss === f.lastLoss)
        ? ''
        : ' (differs between rounds)';
      const rss = median(r.rounds.map((x) => x.peakRssMB ?? Number.NaN));
      L.push(
        `| ${r.lib} | ${r.variant} | ${f.firstLoss?.toPrecision(7)} | ${f.lastLoss?.toPrecision(7)}${same} | ` +
          `${f.lastEpochLoss?.toPrecision(7)} | ${rss.toFixed(0)} | ${f.note ?? ''} |`,
      );
    }
    L.push('');
  }
}

// --- memory
const g = find('backprop', 'G');
if (mem32 || mem64 || g) {
  L.push('## Memory (backprop)');
  L.push('');
  L.push(
    'Peak RSS of every B process is in the loss table above (process.resourceUsage().maxRSS, whole ' +
      'process: Node + tsx + library + workload). Growth across epochs: B trained for 10 epochs of 16 ' +
      'steps, heapUsed (after gc()) and RSS after epoch 1 vs after epoch 10.',
  );
  L.push('');
  if (mem32 || mem64) {
    L.push(
      '| run | heap after epoch 1 (MB) | after epoch 10 | RSS after epoch 1 (MB) | after epoch 10 | final loss |',
    );
    L.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const m of [mem32, mem64]) {
      if (!m) continue;
      const e = (m.rounds[0]?.extra ?? {}) as Record<string, number>;
      L.push(
        `| ${m.variant} | ${e.heapEpoch1?.toFixed(2)} | ${e.heapEpoch10?.toFixed(2)} | ${e.rssEpoch1?.toFixed(0)} | ${e.rssEpoch10?.toFixed(0)} | ${m.rounds[0]?.lastLoss?.toPrecision(7)} |`,
      );
    }
    L.push('');
  }
  if (g) {
    const e = (g.rounds[0]?.extra ?? {}) as Record<string, number>;
    L.push(
      `Scalar graph (${g.variant}): y ← y·c + d repeated, two recorded ops per step, then backward() from y. ` +
        `Peak RSS **${fmtNum(med(g))} MB** (RSS before ${fmtNum(e.rssBeforeMB ?? Number.NaN)} MB, after the forward pass ` +
        `${fmtNum(e.rssAfterForwardMB ?? Number.NaN)} MB); forward ${fmtNum(e.forwardMs ?? Number.NaN)} ms, backward ` +
        `${fmtNum(e.backwardMs ?? Number.NaN)} ms; ∂y/∂x relative error vs c^n: ${e.gradRelError?.toExponential(1)}.`,
    );
    L.push('');
  }
}

if (failures.length) {
  L.push('## Failures');
  L.push('');
  for (const f of failures) L.push(`- ${f}`);
  L.push('');
}

L.push('## How the peers are run');
L.push('');
L.push(
  [
    '- **Installing**: the peers are exact-pinned devDependencies of the private workspace package `benchmarks/` ' +
      '(`@backprop/benchmarks`), installed by the root `pnpm install` (about 80 packages; tfjs is the bulk). The only install ' +
      "script among them is core-js's (pulled in by `@tensorflow/tfjs`; it prints a funding banner): pnpm 12 stops with " +
      'ERR_PNPM_IGNORED_BUILDS on an unreviewed script, so pnpm-workspace.yaml denies it (`allowBuilds: core-js: false`). ' +
      'Nothing native is built. benchmarks/ is outside the root `tsc -b` references; `pnpm --filter @backprop/benchmarks typecheck` checks it.',
    '- **backprop**: `@backprop/core` from the workspace source (`tsx --conditions=@backprop/source`), so the numbers track the current code. ' +
      "Core ops only (linear = x·W + b as one op, sigmoid, relu, sub, square, mean, mul); A uses matmul; SGD updates the parameters' data in place. " +
      'float32 and float64; A, B and C run each dtype in its own process (`--dtype=`), D, M and G one process each. ' +
      'B and C also run a second way, each in a process of its own (`--compile`, variants "float32, compile" and "float64, compile"): ' +
      "the same forward and backward() wrapped in core's `compile`, which traces the step on its first call and then replays " +
      'only its kernel calls (no tensors, graph or sort); the SGD loop stays outside it, as before. The losses show both train ' +
      'the same model (compile gives the same bits as eager). Eager is what most code runs; compile is the counterpart of ' +
      "jax-js's `jit`.",
    '- **plain-js**: no library — hand-written loops over typed arrays (benchmarks/src/plain.ts), buffers allocated ' +
      'once; the MLP as one forward, one backward-to-input and one SGD function per layer, gradients derived by hand; ' +
      'A as a naive i-k-j triple loop and a 4×4 register-blocked loop over Float32Array. float32 and float64 (B, C), ' +
      'each dtype in its own process.',
    '- **tfjs-cpu / tfjs-wasm**: the union package `@tensorflow/tfjs` (tfjs-core alone registers no gradients under CommonJS), ' +
      '`tf.enableProdMode()`, variables + `tf.train.sgd(lr).minimize`. The wasm backend runs the SIMD single-thread binary: ' +
      "threads cannot start in Node (its flag detects no thread support there; the runner also sets `WASM_HAS_MULTITHREAD_SUPPORT` to false) and `setWasmPaths` points at the package's `dist/` directory (a file path). float32 only.",
    "- **jax-js**: `init('wasm')`; Float32Array inputs (a Float64Array fails under Node 20: it reaches for Float16Array); " +
      'the training step is one `jit`-compiled function of (params, x, y) → (params, loss) with `valueAndGrad` inside. ' +
      'Its worker pool needs a global `Worker`, which Node 20 lacks, so it runs single-threaded. Reading the loss each step ' +
      'matters: without it pending work piles up and steps get several times slower.',
    '- **brain.js** 1.6.1: CPU `NeuralNetwork`, one sample per step (`trainPattern`); weights and biases overwritten with the shared initial values; ' +
      'momentum 1e-9 (it rejects 0). Its dependency gpu.js 1.10.4 is pure JS (only acorn), so no native `gl` build and no `allowBuilds` entry is needed.',
  ].join('\n'),
);
L.push('');

const doc = `${L.join('\n')}\n`;
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, doc);
if (saved) {
  process.stderr.write(`wrote ${relative(process.cwd(), outPath)} (from ${renderFrom})\n`);
} else {
  const rawPath = join(benchDir, 'results', `${quick ? 'quick' : 'full'}.json`);
  mkdirSync(dirname(rawPath), { recursive: true });
  const run: SavedRun = { meta, rows: [...rows.values()], failures };
  writeFileSync(rawPath, `${JSON.stringify(run, null, 2)}\n`);
  process.stderr.write(
    `\nwrote ${relative(process.cwd(), outPath)} and ${relative(process.cwd(), rawPath)}\n`,
  );
}
console.log(doc);
if (failures.length && !saved) process.exitCode = 1;
