// A user-defined op: softplus log(1 + eˣ), computed stably, with its derivative given by hand.
// Checked against central differences, differentiated twice, and used in a small network.
import { pathToFileURL } from 'node:url';
import {
  defineOp,
  type GradcheckReport,
  grad,
  gradcheck,
  noGrad,
  type Tensor,
  tensor,
} from '@backprop/core';

/**
 * softplus(x) = log(1 + eˣ), a smooth ReLU. Written as max(x, 0) + log1p(e^−|x|) so that
 * x = 800 gives 800 rather than log(∞) = ∞.
 */
export const softplus = defineOp({
  name: 'softplus',
  forward: (x) => x.relu().add(x.abs().neg().exp().log1p()),
  vjp: (g, [x]) => g.mul(x.sigmoid()), // softplus'(x) = eˣ/(1 + eˣ) = sigmoid(x)
});

export interface CustomOpResult {
  values: number[];
  /** Autodiff's gradient against central differences, at ordinary and at extreme inputs. */
  gradcheck: GradcheckReport;
  gradcheckExtreme: GradcheckReport;
  /** max |d²softplus/dx² − sigmoid(x)(1 − sigmoid(x))| from grad(grad(·)). */
  secondDerivativeError: number;
  /** The loss of the small network before and after a few gradient-descent steps. */
  lossBefore: number;
  lossAfter: number;
}

const list = (t: Tensor) => `[${Array.from(t.data, (v) => Number(v.toPrecision(6))).join(', ')}]`;

export function runCustomOp(log: (line: string) => void = console.log): CustomOpResult {
  // 1. Values: stable where the naive formula overflows.
  const x = tensor([-800, -2, 0, 2, 800]);
  const y = softplus(x);
  const naive = x.exp().log1p();
  log('softplus(x) = log(1 + eˣ), a user-defined op (defineOp):');
  log(`  x                = ${list(x)}`);
  log(`  softplus(x)      = ${list(y)}`);
  log(`  naive log1p(eˣ)  = ${list(naive)}   (overflows at x = 800)`);

  // 2. The hand-written vjp against central differences.
  const check = gradcheck((x) => softplus(x), [[-3, -0.5, 0, 0.7, 4]]);
  const extreme = gradcheck((x) => softplus(x).mul(x), [[-40, 40]]);
  log('');
  log('The hand-written vjp against central differences:');
  log(`  at ordinary inputs: ${check.message}`);
  log(`  at x = ±40:         ${extreme.message}`);

  // 3. The vjp is written with tensor ops, so its gradient exists: softplus'' = σ(1 − σ).
  //    (softplus is elementwise, so the gradient of Σ softplus'(x) is softplus''(x) elementwise.)
  const d1 = grad((x: Tensor) => softplus(x).sum());
  const d2 = grad((x: Tensor) => d1(x).sum());
  const at = tensor([-3, -0.5, 0, 0.7, 4]);
  const second = d2(at);
  let secondDerivativeError = 0;
  at.data.forEach((v, i) => {
    const s = 1 / (1 + Math.exp(-v));
    secondDerivativeError = Math.max(secondDerivativeError, Math.abs(second.data[i] - s * (1 - s)));
  });
  log('');
  log(`d²/dx² softplus at ${list(at)} = ${list(second)}`);
  log(`  max |grad(grad(softplus)) − σ(1 − σ)| = ${secondDerivativeError.toExponential(2)}`);

  // 4. In use: a hidden layer of softplus neurons (the lecture's network, p. 5, with f = softplus)
  //    fitted to y = x² on five points by plain gradient descent.
  const xs = tensor([[-1], [-0.5], [0], [0.5], [1]]);
  const ys = xs.square();
  let w0 = tensor([[0.5, -0.4, 0.3]], { requiresGrad: true });
  let b0 = tensor([0.1, 0.2, -0.1], { requiresGrad: true });
  let w1 = tensor([[0.3], [0.5], [-0.2]], { requiresGrad: true });
  const loss = () => softplus(xs.matmul(w0).add(b0)).matmul(w1).sub(ys).square().mean();
  const lossBefore = loss().item();
  const lr = 0.5;
  for (let step = 0; step < 200; step++) {
    const l = loss();
    l.backward();
    [w0, b0, w1] = noGrad(() =>
      [w0, b0, w1].map((p) => {
        const next = p.sub((p.grad as Tensor).mul(lr));
        next.requiresGrad = true;
        return next;
      }),
    );
  }
  const lossAfter = loss().item();
  log('');
  log('Three softplus neurons fitted to y = x² by 200 gradient-descent steps:');
  log(`  mean squared error ${lossBefore.toFixed(4)} → ${lossAfter.toFixed(4)}`);

  return {
    values: Array.from(y.data),
    gradcheck: check,
    gradcheckExtreme: extreme,
    secondDerivativeError,
    lossBefore,
    lossAfter,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runCustomOp();
  if (!r.gradcheck.ok || !r.gradcheckExtreme.ok) process.exitCode = 1;
}
