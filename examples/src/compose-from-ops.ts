// A network written directly from core's ops, with no layers package: an RBF network whose
// centres and widths are learned too (p. 8: "with the RBF activation the network is one kind of
// RBF network"), fitted to a 1-D function with Adam in a hand-written training loop.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linePlot } from '@backprop/cli/plots';
import {
  type GradcheckReport,
  gradcheck,
  linspace,
  noGrad,
  randn,
  type Tensor,
  tensor,
} from '@backprop/core';
import { mse } from '@backprop/layers';
import { Adam } from '@backprop/optim';

/** The parameters of an RBF network with K centres in d dimensions and one output. */
export interface RBFParams {
  /** c_k, shape [K, d]. */
  centres: Tensor;
  /** log σ_k, shape [K]: the optimiser moves log σ, so σ = e^(log σ) stays positive. */
  logWidths: Tensor;
  /** Output weights, shape [K, 1], and bias, shape [1]. */
  weight: Tensor;
  bias: Tensor;
}

/**
 * y = Σ_k w_k φ_k(x) + b with φ_k(x) = exp(−‖x − c_k‖² / (2σ_k²)), for a batch x of shape [n, d].
 * Only ops: broadcasting gives every (sample, centre) pair, and autodiff gives ∂y/∂c and ∂y/∂σ.
 */
export function rbfNetwork(x: Tensor, p: RBFParams): Tensor {
  const diff = x.unsqueeze(1).sub(p.centres.unsqueeze(0)); // x_i − c_k, [n, K, d]
  const dist2 = diff.square().sum(2); // ‖x_i − c_k‖², [n, K]
  const twoVar = p.logWidths.mul(2).exp().mul(2); // 2σ_k², [K]
  const phi = dist2.div(twoVar).neg().exp(); // φ_k(x_i), [n, K]
  return phi.matmul(p.weight).add(p.bias); // [n, 1]
}

/** K centres spread evenly over [lo, hi] (d = 1), widths the spacing, small seeded output weights. */
export function initRBF(k: number, lo: number, hi: number, seed = 0): RBFParams {
  const spacing = (hi - lo) / (k - 1);
  return {
    centres: linspace(lo, hi, k).reshape([k, 1]).detach(),
    logWidths: tensor(new Array<number>(k).fill(Math.log(spacing))),
    weight: randn([k, 1], { seed }).mul(0.1).detach(),
    bias: tensor([0]),
  };
}

/** The function to fit: two periods of a sine on a slope. */
export const target = (v: number) => Math.sin(3 * v) + 0.5 * v;

export interface ComposeResult {
  /** Autodiff's gradient of the network with respect to centres and widths vs central differences. */
  gradcheck: GradcheckReport;
  /** Training loss (mean squared error) before the first step and after every step. */
  losses: number[];
  /** The same network with centres and widths frozen (only w and b trained), for comparison. */
  frozenLosses: number[];
  /** Mean squared error on a grid 4× finer than the training points (between them, too). */
  gridError: number;
  frozenGridError: number;
  /** Where the centres and widths ended up. */
  centres: number[];
  widths: number[];
  steps: number;
  files: { fit: string; loss: string };
}

export interface ComposeOptions {
  log?: (line: string) => void;
  /** Adam steps on the whole training set (default 600). */
  steps?: number;
  /** Where the SVGs go (default examples/out). */
  outDir?: string;
}

const defaultOutDir = fileURLToPath(new URL('../out/', import.meta.url));
const K = 8;
const [LO, HI] = [-2, 2];

export async function runComposeFromOps(options: ComposeOptions = {}): Promise<ComposeResult> {
  const { log = console.log, steps = 600, outDir = defaultOutDir } = options;

  // 1. The composition's gradient, checked entry by entry on a few points.
  const probe = tensor([[-1.2], [0.1], [0.9]]);
  const small = initRBF(3, -1, 1, 1);
  const check = gradcheck(
    (centres, logWidths) => rbfNetwork(probe, { ...small, centres, logWidths }),
    [small.centres, small.logWidths],
  );
  log('RBF network from core ops: φ_k(x) = exp(−‖x − c_k‖²/(2σ_k²)), y = Σ w_k φ_k(x) + b');
  log(`  ∂y/∂c and ∂y/∂σ vs central differences: ${check.message}`);

  // 2. Training data: 40 points of the target on [−2, 2]; a finer grid to judge the fit between them.
  const x = linspace(LO, HI, 40).reshape([40, 1]);
  const y = tensor(Array.from(x.data, target)).reshape([40, 1]);
  const grid = linspace(LO, HI, 160).reshape([160, 1]);
  const gridY = tensor(Array.from(grid.data, target)).reshape([160, 1]);

  const train = (learnCentres: boolean) => {
    const p = initRBF(K, LO, HI);
    const trained = learnCentres ? [p.centres, p.logWidths, p.weight, p.bias] : [p.weight, p.bias];
    for (const t of trained) t.requiresGrad = true;
    const optimizer = new Adam(trained, { lr: 0.03 });
    const losses: number[] = [];
    const initial = noGrad(() => rbfNetwork(grid, p));
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const loss = mse(rbfNetwork(x, p), y);
      losses.push(loss.item());
      loss.backward();
      optimizer.step();
    }
    losses.push(noGrad(() => mse(rbfNetwork(x, p), y).item()));
    const fitted = noGrad(() => rbfNetwork(grid, p));
    return { p, losses, initial, fitted, gridError: noGrad(() => mse(fitted, gridY).item()) };
  };
  const learned = train(true);
  const frozen = train(false);

  log('');
  log(
    `Fitting y = sin(3x) + x/2 on [−2, 2] (40 points) with K = ${K} centres, Adam (lr 0.03), ${steps} full-batch steps:`,
  );
  const every = Math.max(1, Math.round(steps / 6));
  for (let s = 0; s <= steps; s += every) {
    log(
      `  step ${String(s).padStart(String(steps).length)}: mean squared error ${learned.losses[s]?.toExponential(3)}`,
    );
  }
  if (steps % every !== 0)
    log(`  step ${steps}: mean squared error ${learned.losses[steps]?.toExponential(3)}`);
  log(`  on a 4× finer grid: ${learned.gridError.toExponential(3)}`);
  log(
    `  with centres and widths frozen (only w, b trained): ${frozen.losses[steps]?.toExponential(3)} (grid ${frozen.gridError.toExponential(3)})`,
  );
  const centres = Array.from(learned.p.centres.data);
  const widths = Array.from(learned.p.logWidths.data, Math.exp);
  const order = centres.map((_, k) => k).sort((a, b) => centres[a] - centres[b]);
  const moved = order.map((k) => `${centres[k]?.toFixed(2)} (σ ${widths[k]?.toFixed(2)})`);
  log(
    `  centres, started evenly spaced with σ ${((HI - LO) / (K - 1)).toFixed(2)}, ended at (sorted):`,
  );
  log(`    ${moved.join(', ')}`);

  await mkdir(outDir, { recursive: true });
  const files = {
    fit: join(outDir, 'compose-from-ops-fit.svg'),
    loss: join(outDir, 'compose-from-ops-loss.svg'),
  };
  const gx = Array.from(grid.data);
  await writeFile(
    files.fit,
    await linePlot({
      series: [
        { name: 'target sin(3x) + x/2', x: gx, y: Array.from(gridY.data) },
        { name: 'before training', x: gx, y: Array.from(learned.initial.data) },
        { name: 'learned centres, widths', x: gx, y: Array.from(learned.fitted.data) },
        { name: 'frozen centres, widths', x: gx, y: Array.from(frozen.fitted.data) },
      ],
      title: `RBF network (K = ${K}) built from core ops`,
      xTitle: 'x',
      yTitle: 'y',
    }),
  );
  const stepAxis = learned.losses.map((_, s) => s);
  await writeFile(
    files.loss,
    await linePlot({
      series: [
        { name: 'learned centres, widths', x: stepAxis, y: learned.losses },
        { name: 'frozen centres, widths', x: stepAxis, y: frozen.losses },
      ],
      title: 'Training loss',
      xTitle: 'Adam step',
      yTitle: 'mean squared error',
      logY: true,
      integerX: true,
    }),
  );
  log('');
  log(`Wrote ${files.fit}`);
  log(`  and ${files.loss}`);

  return {
    gradcheck: check,
    losses: learned.losses,
    frozenLosses: frozen.losses,
    gridError: learned.gridError,
    frozenGridError: frozen.gridError,
    centres,
    widths,
    steps,
    files,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runComposeFromOps();
  if (!r.gradcheck.ok) process.exitCode = 1;
}
