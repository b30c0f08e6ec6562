// `npm run demo`: the lecture end to end. The slides' gradient formulas against autodiff
// (p. 11, 14), vanishing gradients (p. 20), and the lecture's network trained on real data (p. 10).
import { pathToFileURL } from 'node:url';
import type { ProgressSetting } from '@backprop/optim';
import { type RegressionResult, runRegression } from './regression.js';
import { runSlideGradients, type SlideGradientsResult } from './slide-gradients.js';
import {
  defaultOutDir,
  runVanishingGradients,
  type VanishingResult,
} from './vanishing-gradients.js';

export interface DemoOptions {
  log?: (line: string) => void;
  /** Where the SVG plots go (default examples/out). */
  outDir?: string;
  /** The diabetes training's epoch limit (default the regression example's; the test uses a few). */
  epochs?: number;
  /** The training's progress bar (default 'auto': shown in a terminal only). */
  progress?: ProgressSetting;
}

export interface DemoResult {
  slide: SlideGradientsResult;
  vanishing: VanishingResult;
  regression: RegressionResult;
  /** Wall-clock seconds of the whole demo. */
  seconds: number;
}

/** Prints a section's title, with the slides it reproduces. */
function header(log: (line: string) => void, title: string): void {
  log('');
  log(`━━━ ${title} ${'━'.repeat(Math.max(3, 92 - title.length))}`);
  log('');
}

/** Runs the three parts, printing through `log`; the plots go to `outDir`. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const { log = console.log, outDir = defaultOutDir, epochs, progress = 'auto' } = options;
  const start = performance.now();

  header(log, "1. The slides' gradient formulas are what autodiff computes (p. 5, 10, 11, 14)");
  log(
    "The lecture's network (p. 3–5): inputs x₁, x₂ with x₀ = 1, three sigmoid neurons with z₀ = 1,",
  );
  log('a linear output y_E, the error E = ½(y_E − y)² of one sample (p. 10). Each ∂E/∂w by the');
  log("slide's closed form (p. 11: (y_E − y) z⁽¹⁾ₚ; p. 14: xₚ (y_E − y) w⁽¹⁾ᵢ ∂z⁽¹⁾ᵢ/∂a⁽¹⁾ᵢ), by");
  log('autodiff (E.backward()) and by central differences:');
  log('');
  const slide = runSlideGradients({ log, ks: [1], compact: true });

  header(log, '2. Vanishing gradients: the error fades on its way to the first layers (p. 20)');
  const vanishing = await runVanishingGradients({ log, outDir, compact: true });

  header(
    log,
    "3. Training the lecture's network: per-sample SGD on the diabetes data (p. 3–5, 10)",
  );
  const regression = await runRegression({ log, outDir, epochs, progress });

  const seconds = (performance.now() - start) / 1000;
  log('');
  log(`Demo done in ${seconds.toFixed(1)} s. The full versions, one command each:`);
  log('  npm run example:slide-gradients      k = 1 and k = 3 (p. 18)');
  log('  npm run example:vanishing-gradients  the bound explained, depths 1–10');
  log('  npm run example:regression           the training alone');
  return { slide, vanishing, regression, seconds };
}

// Run when executed as a script (`npm run demo`), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { slide } = await runDemo();
  if (!(slide.maxSlideVsAutodiff <= 1e-12 && slide.maxFdVsAutodiff <= 1e-7)) process.exitCode = 1;
}
