import { describe, expect, it } from 'vitest';
import {
  capture,
  compile,
  detectAnomaly,
  noGrad,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from './index.js';

// capture keeps compile's trace for a loop that writes into its inputs and reads its outputs.
// What is checked here: closed forms for values and gradients (the doc example's), that a
// training loop of replays gives the bits of the same loop run eagerly (whose ops are checked
// against PyTorch and finite differences in their own tests), the semantics of inputs, outputs
// and .grad, and the errors.

const values = (t: Tensor | null | undefined) => Array.from((t as Tensor).data);

describe('capture', () => {
  it('gives the closed form of (x·w)² and its gradient 2(x·w)x on each replay', () => {
    const w = tensor([1, -1], { requiresGrad: true });
    const step = capture(
      (x: Tensor) => {
        const loss = x.matmul(w).square();
        loss.backward();
        return loss;
      },
      tensor([1, 2]),
    );
    expect(values(step.outputs)).toEqual([1]); // the capture itself is the first call
    expect(values(w.grad)).toEqual([-2, -4]);
    for (const [x, loss, g] of [
      [[3, 1], 4, [12, 4]],
      [[0.5, 2], 2.25, [-1.5, -6]],
    ] as const) {
      step.inputs[0]?.data.set(x);
      w.grad = null;
      step.replay();
      expect(values(step.outputs)).toEqual([loss]);
      expect(values(w.grad)).toEqual(g);
    }
  });

  it('trains a network to the same bits as the eager loop', () => {
    const train = (captured: boolean) => {
      const W1 = randn([3, 8], { seed: 1, requiresGrad: true });
      const b1 = randn([8], { seed: 2, requiresGrad: true });
      const W2 = randn([8, 1], { seed: 3, requiresGrad: true });
      const params = [W1, b1, W2];
      const fb = (x: Tensor, y: Tensor) => {
        const loss = x.matmul(W1).add(b1).sigmoid().matmul(W2).sub(y).square().mean();
        loss.backward();
        return loss;
      };
      const xs = randn([20, 1, 3], { seed: 4 });
      const ys = randn([20, 1, 1], { seed: 5 });
      const losses: number[] = [];
      const batch = (i: number) => [xs.gather([i]).reshape([1, 3]), ys.gather([i]).reshape([1, 1])];
      const c = captured ? capture(fb, ...(batch(0) as [Tensor, Tensor])) : null;
      for (let i = 0; i < 20; i++) {
        const [x, y] = batch(i) as [Tensor, Tensor];
        let loss: Tensor;
        if (c === null) {
          for (const p of params) p.grad = null;
          loss = fb(x, y);
        } else {
          if (i > 0) {
            for (const p of params) p.grad = null;
            c.inputs[0]?.data.set(x.data);
            c.inputs[1]?.data.set(y.data);
            c.replay();
          }
          loss = c.outputs;
        }
        losses.push(loss.item());
        for (const p of params) {
          const g = (p.grad as Tensor).data;
          for (let k = 0; k < p.size; k++)
            p.data[k] = (p.data[k] as number) - 0.1 * (g[k] as number);
        }
      }
      return { losses, weights: params.map(values) };
    };
    const eager = train(false);
    const replayed = train(true);
    expect(replayed.losses).toEqual(eager.losses);
    expect(replayed.weights).toEqual(eager.weights);
    expect(new Set(eager.losses).size).toBe(20); // every step saw a new sample and new weights
  });

  it('adds to a .grad that was not reset, as backward() does, and gives the inputs theirs', () => {
    const w = tensor([2, 3], { requiresGrad: true });
    // ∂/∂w Σ w·x = x and ∂/∂x Σ w·x = w
    const step = capture(
      (x: Tensor) => {
        x.mul(w).sum().backward();
        return x;
      },
      tensor([1, 1], { requiresGrad: true }),
    );
    const x = step.inputs[0] as Tensor;
    expect(values(x.grad)).toEqual([2, 3]); // the copy is the input, and gets the gradient
    x.data.set([5, 7]);
    const first = w.grad as Tensor;
    step.replay(); // .grad is still the last call's: added to, as backward() does
    expect(values(w.grad)).toEqual([6, 8]);
    expect(values(first)).toEqual([5, 7]); // the array it gave is refilled: clone a .grad to keep it
    expect(values(x.grad)).toEqual([4, 6]);
    expect(values(step.outputs)).toEqual([5, 7]);
  });

  it('refills its outputs on each replay, so a clone keeps a value', () => {
    const step = capture((x: Tensor) => ({ twice: [x.mul(2)], plus: x.add(1) }), tensor([1, 2]));
    const kept = step.outputs.twice[0]?.clone();
    step.inputs[0]?.data.set([10, 20]);
    step.replay();
    expect(values(step.outputs.twice[0])).toEqual([20, 40]);
    expect(values(step.outputs.plus)).toEqual([11, 21]);
    expect(values(kept)).toEqual([2, 4]);
    expect(step.outputs.plus.isLeaf).toBe(true);
    expect(step.outputs.plus.requiresGrad).toBe(false);
  });

  it('leaves the tensors it was given alone, and takes numbers as they were', () => {
    const given = tensor([1, 2]);
    const step = capture((x: Tensor, k: number) => x.mul(k), given, 3);
    step.inputs[0]?.data.set([4, 5]);
    step.replay();
    expect(values(step.outputs)).toEqual([12, 15]);
    expect(values(given)).toEqual([1, 2]);
  });

  it('runs the function eagerly in anomaly mode, so the anomaly is found', () => {
    const step = capture((x: Tensor) => x.log(), tensor([1]));
    step.inputs[0]?.data.set([Math.E]);
    detectAnomaly(() => step.replay());
    expect(values(step.outputs)).toEqual([1]);
    step.inputs[0]?.data.set([-1]);
    expect(() => detectAnomaly(() => step.replay())).toThrow(/log produced NaN/);
    step.replay(); // without it, the replay computes what it is told
    expect(Number.isNaN(step.outputs.item())).toBe(true);
  });

  it('records its trace under anomaly detection too, for replays without it', () => {
    const w = tensor([2, 3], { requiresGrad: true });
    const step = detectAnomaly(() =>
      capture(
        (x: Tensor) => {
          const loss = x.mul(w).sum().square();
          loss.backward(); // 2(x·w)x
          return loss;
        },
        tensor([1, 1]),
      ),
    );
    expect(values(step.outputs)).toEqual([25]);
    step.inputs[0]?.data.set([1, 2]);
    w.grad = null;
    step.replay();
    expect(values(step.outputs)).toEqual([64]);
    expect(values(w.grad)).toEqual([16, 32]);
  });

  it('replays under noGrad what was captured under it', () => {
    const w = tensor([2], { requiresGrad: true });
    const step = noGrad(() => capture((x: Tensor) => x.mul(w), tensor([3])));
    noGrad(() => step.replay());
    expect(values(step.outputs)).toEqual([6]);
  });
});

describe('capture: errors', () => {
  it('says what is wrong with its arguments', () => {
    expect(() => capture(1 as unknown as () => Tensor)).toThrow(
      'capture: expected a function, got 1',
    );
    const w = tensor([1], { requiresGrad: true });
    expect(() => capture((x: Tensor) => x, w.exp())).toThrow(
      /capture: argument 0 was computed by exp and requires grad; .* pass it detached/,
    );
    expect(() => capture(() => () => 1)).toThrow(/capture: the result is a function/);
  });

  it('refuses a replay in another grad mode, or after a requiresGrad changed', () => {
    const w = tensor([2], { requiresGrad: true });
    const step = capture(
      (x: Tensor) => {
        const y = x.mul(w).sum();
        y.backward();
        return y;
      },
      tensor([3]),
    );
    expect(() => noGrad(() => step.replay())).toThrow(
      /captured with grad mode on and replayed with it off \(noGrad\); replay it as it was captured, or capture it again/,
    );
    w.requiresGrad = false;
    expect(() => step.replay()).toThrow(ValueError);
    expect(() => step.replay()).toThrow(
      /the requiresGrad of a tensor the function reads has changed/,
    );
    w.requiresGrad = true;
    step.replay();
    expect(values(step.outputs)).toEqual([6]);
  });

  it('refuses to capture or replay inside a compiled function', () => {
    const step = capture((x: Tensor) => x.mul(2), tensor([1]));
    expect(() => compile((x: Tensor) => capture((y: Tensor) => y, x))(tensor([1]))).toThrow(
      /capture: called while a function is being compiled or captured/,
    );
    expect(() =>
      compile((x: Tensor) => {
        step.replay();
        return x;
      })(tensor([1])),
    ).toThrow(/capture: replay\(\) while a function is being compiled or captured/);
  });
});
