// The Markdown report of a run (docs/benchmarks.md, benchmarks/results/*.md): the header, the
// targets, backprop against plain JS, one table per workload, memory, failures, how peers run.
import type { BenchResult } from './common.js';
import { median } from './common.js';
import { cell, fmtNum, fmtRatio, perRound, rmeCell } from './format.js';
import { relaxedByDefault } from './plan.js';
import { renderBaseline } from './render-baseline.js';
import { findRow, med, type Row, type SavedRun, speedup } from './results.js';
import { SHORT, workloadSections } from './sections.js';

/** The report of `run`; `renderFrom` names the saved file it is re-rendered from, if it is. */
export function renderReport(run: SavedRun, renderFrom?: string): string {
  const rows = run.rows;
  const L = [
    ...header(run, renderFrom),
    ...(run.baseline ? renderBaseline(run.baseline, rows, run.meta.rounds) : []),
    ...userTargets(rows),
    ...targets(rows),
    ...versusPlainJs(rows),
    ...workloadTables(rows, run.meta.quick),
    ...memory(rows),
    ...failureList(run.failures),
    ...peers(),
  ];
  return `${L.join('\n')}\n`;
}

function header(run: SavedRun, renderFrom: string | undefined): string[] {
  const { meta } = run;
  const { quick, rounds, versions } = meta;
  const L: string[] = [];
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
    'Reproduce: `pnpm install && pnpm bench` at the repository root (full run: 3 rounds, about 20 minutes; ' +
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
    relaxedByDefault()
      ? '- **WebAssembly:** this Node takes relaxed SIMD by default, so backprop\'s A rows (and every product and vector exp) ran the kernels\' fused multiply-add build; there are no separate "relaxed SIMD" rows'
      : '- **WebAssembly:** this Node takes plain SIMD by default (backprop\'s kernels: separate multiply and add); the "relaxed SIMD" rows of A come from processes started with `--experimental-wasm-relaxed-simd` (the fused multiply-add build that Node 22+ and Chromium 114+ take by default)',
  );
  L.push(
    `- **Mode:** ${quick ? 'quick (smoke run: 1 round, short loops; not for quoting)' : 'full'}; ` +
      `${rounds} round(s); each number is the median over rounds` +
      (renderFrom !== undefined ? ` (report re-rendered from ${renderFrom})` : ''),
  );
  L.push(
    `- **Versions:** ${Object.entries(versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
  );
  L.push('');
  return L;
}

/** Issue 20: the path users write (MLP + loss + SGD + zeroGrad, fit) against brain.js and PyTorch. */
function userTargets(rows: readonly Row[]): string[] {
  const user = (w: string, v: string) => findRow(rows, 'backprop-user', w, v);
  const peer = (lib: string, w: string, v?: string) => findRow(rows, lib, w, v);
  const list: [string, number, number][] = [];
  for (const d of ['float64', 'float32']) {
    const brainC = peer('brain.js', 'C');
    const brainK = peer('brain.js', 'K');
    const torch = peer('pytorch', 'B', `${d}, 1 thread`);
    list.push([`C warm, user path ${d} eager ÷ brain.js`, speedup(user('C', d), brainC), 1]);
    list.push([`C cold (K), user path ${d} eager ÷ brain.js`, speedup(user('K', d), brainK), 0.5]);
    list.push([
      `C cold (K), user path ${d} compile ÷ brain.js`,
      speedup(user('K', `${d}, compile`), brainK),
      1,
    ]);
    list.push([`B, user path ${d} eager ÷ PyTorch 1 thread`, speedup(user('B', d), torch), 2]);
    list.push([
      `B, user path ${d} compile ÷ PyTorch 1 thread`,
      speedup(user('B', `${d}, compile`), torch),
      3,
    ]);
  }
  const brainF = peer('brain.js', 'F');
  list.push(['F, fit() float64 ÷ brain.js train()', speedup(user('F', 'float64'), brainF), 1]);

  if (list.every(([, m]) => !Number.isFinite(m))) return [];
  const L = ['## Targets (issue 20: the path users write)', ''];
  L.push('| target | measured | goal | met? |');
  L.push('| --- | ---: | ---: | :---: |');
  for (const [name, m, g] of list) {
    const ok = Number.isFinite(m) ? (m >= g ? '✅ met' : '❌ not met') : '— (not run)';
    L.push(`| ${name} | ${fmtRatio(m)} | ${fmtRatio(g)} | ${ok} |`);
  }
  L.push('');
  L.push(
    'Ratios within each round, median over rounds. The user path is `MLP` + loss from @backprop/layers + `SGD` ' +
      'from @backprop/optim, `opt.zeroGrad(); const loss = lossFn(net.forward(x), y); loss.backward(); opt.step(); loss.item()` ' +
      '(benchmarks/src/user.ts); float64 is what `new MLP()` makes by default. brain.js runs float32 (its only type). ' +
      'PyTorch: Debian python3-torch, CPU, `torch.set_num_threads(1)`, the same step (benchmarks/src/pytorch.py).',
  );
  L.push('');
  return L;
}

function targets(rows: readonly Row[]): string[] {
  const L: string[] = [];
  const find = (lib: string, workload: string, variant?: string) =>
    findRow(rows, lib, workload, variant);
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
  target(
    'C: backprop f32 compile ÷ tfjs-cpu',
    speedup(bp('C', COMPILED), find('tfjs-cpu', 'C')),
    30,
  );
  target('B: backprop f32 ÷ jax-js jit', speedup(bp('B', 'float32'), find('jax-js', 'B')), 2);
  target(
    'B: backprop f32 compile ÷ jax-js jit',
    speedup(bp('B', COMPILED), find('jax-js', 'B')),
    2,
  );
  target('A: backprop f32 matmul GFLOP/s', med(bp('A', 'float32')), 30, ' GFLOP/s');
  target('A: backprop f32 ÷ tfjs-wasm', speedup(bp('A', 'float32'), find('tfjs-wasm', 'A')), 1.4);
  // on a Node that takes relaxed SIMD by default, the plain float32 row is the fused build
  const RELAXED_A = relaxedByDefault() ? 'float32' : 'float32, relaxed SIMD';
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
  return L;
}

function versusPlainJs(rows: readonly Row[]): string[] {
  const L: string[] = [];
  const bp = (w: string, v: string) => findRow(rows, 'backprop', w, v);
  const pj = (w: string, v: string) => findRow(rows, 'plain-js', w, v);
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
  return L;
}

function workloadTables(rows: readonly Row[], quick: boolean): string[] {
  const L: string[] = [];
  for (const s of workloadSections(quick)) {
    const ourLib = s.oursLib ?? 'backprop';
    const bp = (w: string, v: string) => findRow(rows, ourLib, w, v);
    const list = rows.filter((r) => r.workload === s.w);
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
    for (const o of ours) head.push(`${ourLib} ${SHORT[o.variant] ?? o.variant} ÷ this`);
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
      for (const o of ours) cells.push(r.lib === ourLib ? '' : fmtRatio(speedup(o, r)));
      L.push(`| ${cells.join(' | ')} |`);
    }
    L.push('');
    if (s.w === 'B' || s.w === 'C' || s.w === 'K' || s.w === 'F') {
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
        const loss = (v: number | undefined) => v?.toPrecision(7) ?? '—';
        L.push(
          `| ${r.lib} | ${r.variant} | ${loss(f.firstLoss)} | ${loss(f.lastLoss)}${same} | ` +
            `${loss(f.lastEpochLoss)} | ${rss.toFixed(0)} | ${f.note ?? ''} |`,
        );
      }
      L.push('');
    }
  }
  return L;
}

function memory(rows: readonly Row[]): string[] {
  const L: string[] = [];
  const bp = (w: string, v: string) => findRow(rows, 'backprop', w, v);
  const mem32 = bp('M', 'B float32, 10 epochs');
  const mem64 = bp('M', 'B float64, 10 epochs');
  const g = findRow(rows, 'backprop', 'G');
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
  return L;
}

function failureList(failures: readonly string[]): string[] {
  const L: string[] = [];
  if (failures.length) {
    L.push('## Failures');
    L.push('');
    for (const f of failures) L.push(`- ${f}`);
    L.push('');
  }
  return L;
}

function peers(): string[] {
  const L: string[] = [];
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
      '- **backprop-user**: the path users write (benchmarks/src/user.ts), from the workspace source like backprop: ' +
        "the lecture's `MLP` from @backprop/layers (the same sizes, activations and initial weights), its loss (`mse` for B, " +
        '`halfSquaredError` for C, K and F), `SGD` from @backprop/optim, and the step `opt.zeroGrad(); const loss = ' +
        'lossFn(net.forward(x), y); loss.backward(); opt.step(); loss.item()`, eager or with the forward pass, loss and ' +
        "backward() under core's `compile`. K runs C in a fresh process (200 untimed steps, then 2,000 timed); F runs " +
        "`fit()` on the demo's diabetes data. The hand-rolled backprop rows above stay as the floor: core's ops alone.",
      "- **pytorch**: PyTorch CPU through Debian's `/usr/bin/python3` with `python3-torch` (benchmarks/src/pytorch.py, " +
        'started by pytorch.ts, which hands it the same data, weights and timing settings as JSON; the row says so when that ' +
        'Python has no torch), `torch.set_num_threads(1)`, `nn.Sequential` of `nn.Linear` and activations, `MSELoss`, ' +
        '`optim.SGD`, the same step as backprop-user. B only.',
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
  return L;
}
