// Tests of fusedMLP: a value worked out by hand, the very numbers (values and every gradient) of
// linear and the activation ops layer by layer, finite differences, second derivatives, and its
// composition under jvp, vmap and compile.
import { describe, expect, it } from 'vitest';
import { checkGradients } from '../../test/helpers.js';
import { checkHessian } from '../../test/second-order.js';
import {
  compile,
  type DenseLayer,
  type DType,
  DTypeError,
  type FusedActivation,
  fusedMLP,
  grad,
  jvp,
  linear,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  vmap,
  zeros,
} from '../index.js';

const ACTIVATIONS: FusedActivation[] = ['identity', 'sigmoid', 'tanh', 'relu'];
const OP: Record<FusedActivation, (a: Tensor) => Tensor> = {
  identity: (a) => a,
  sigmoid: (a) => a.sigmoid(),
  tanh: (a) => a.tanh(),
  relu: (a) => a.relu(),
};

/** The network op by op: what fusedMLP must reproduce bit for bit. */
function composed(
  x: Tensor,
  layers: readonly DenseLayer[],
  acts: readonly FusedActivation[],
): Tensor {
  let h = x;
  layers.forEach((l, j) => {
    h = OP[acts[j] as FusedActivation](linear(h, l.weight, l.bias));
  });
  return h;
}

function network(
  sizes: number[],
  {
    bias = true,
    dtype = 'float64',
    seed = 0,
  }: { bias?: boolean; dtype?: DType; seed?: number } = {},
) {
  return sizes.slice(1).map((n, j) => ({
    weight: randn([sizes[j] as number, n], { seed: seed + 10 + j, dtype, requiresGrad: true }),
    bias: bias ? randn([n], { seed: seed + 20 + j, dtype, requiresGrad: true }) : null,
  }));
}

const leaves = (x: Tensor, layers: readonly DenseLayer[]) => [
  x,
  ...layers.flatMap((l) => (l.bias === null ? [l.weight] : [l.weight, l.bias])),
];

/** y, then every leaf's gradient of Σ y·r, as plain arrays. */
function run(f: () => Tensor, all: Tensor[]): (number[] | null)[] {
  for (const t of all) t.grad = null;
  const y = f();
  y.mul(randn(y.shape, { seed: 3, dtype: y.dtype }))
    .sum()
    .backward();
  return [Array.from(y.data), ...all.map((t) => (t.grad ? Array.from(t.grad.data) : null))];
}

describe('fusedMLP', () => {
  it('gives the value worked out by hand: 3·tanh(0.4) − 2·tanh(0.6)', () => {
    const W = tensor([
      [1, -1],
      [0.5, 2],
    ]);
    const v = tensor([[3], [-2]]);
    const x = tensor([[0.2, 0.4]]);
    const y = fusedMLP(
      x,
      [
        { weight: W, bias: null },
        { weight: v, bias: null },
      ],
      ['tanh', 'identity'],
    );
    // a = x·W = [0.2 + 0.2, −0.2 + 0.8]
    expect(y.item()).toBeCloseTo(3 * Math.tanh(0.4) - 2 * Math.tanh(0.6), 15);
    expect(y.shape).toEqual([1, 1]);
  });

  it('computes the very numbers of linear and the activation ops, values and every gradient', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const rows of [1, 3]) {
        for (const bias of [true, false]) {
          for (const hidden of ACTIVATIONS) {
            for (const output of ACTIVATIONS) {
              const layers = network([2, 5, 4, 3], { bias, dtype });
              const x = randn([rows, 2], { seed: 1, dtype, requiresGrad: rows === 3 });
              const acts = [hidden, output === 'identity' ? hidden : 'tanh', output];
              const all = leaves(x, layers);
              const fused = run(() => fusedMLP(x, layers, acts), all);
              const ops = run(() => composed(x, layers, acts), all);
              expect(fused, `${dtype} rows ${rows} bias ${bias} ${acts}`).toEqual(ops);
            }
          }
        }
      }
    }
  });

  it('computes them for one sample in its own loops: one input or output, eight outputs a turn, −0', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const sizes of [
        [1, 9, 17, 1],
        [3, 8, 16, 2],
        [20, 7, 1],
      ]) {
        for (const bias of [true, false]) {
          // relu's derivative is 0 for a negative input: ∂E/∂a then holds ±0, and so do products
          for (const act of ['tanh', 'relu'] as const) {
            const layers = network(sizes, { bias, dtype, seed: 4 });
            const acts = sizes.slice(1).map(() => act);
            // x = 0 makes x·W's products ±0: a sum started at 0 would turn −0 into 0
            for (const x of [
              randn([1, sizes[0] as number], { seed: 5, dtype, requiresGrad: true }),
              zeros([1, sizes[0] as number], { dtype }),
            ]) {
              const all = leaves(x, layers);
              const fused = run(() => fusedMLP(x, layers, acts), all);
              const ops = run(() => composed(x, layers, acts), all);
              expect(fused, `${dtype} ${sizes} bias ${bias} ${act}`).toEqual(ops);
            }
          }
        }
      }
    }
  });

  it('takes one sample as a vector and more leading axes as rows, as linear does', () => {
    const layers = network([3, 4, 2]);
    for (const shape of [[3], [2, 2, 3]]) {
      const x = randn(shape, { seed: 2, requiresGrad: true });
      const all = leaves(x, layers);
      const fused = run(() => fusedMLP(x, layers, ['sigmoid', 'identity']), all);
      const ops = run(() => composed(x, layers, ['sigmoid', 'identity']), all);
      expect(fused).toEqual(ops);
      expect(fusedMLP(x, layers, ['sigmoid', 'identity']).shape).toEqual([
        ...shape.slice(0, -1),
        2,
      ]);
    }
  });

  it('is one graph node whose inputs are x and every W and b', () => {
    const layers = network([2, 3, 1]);
    const x = randn([4, 2], { seed: 1 });
    const y = fusedMLP(x, layers, ['relu', 'identity']);
    expect(y.op).toBe('fusedMLP');
    expect(y.inputs).toEqual(leaves(x, layers));
  });

  it('has the gradients finite differences give', () => {
    const [l0, l1] = network([3, 4, 2]) as [DenseLayer, DenseLayer];
    checkGradients(
      (x, w0, b0, w1, b1) =>
        fusedMLP(
          x as Tensor,
          [
            { weight: w0 as Tensor, bias: b0 as Tensor },
            { weight: w1 as Tensor, bias: b1 as Tensor },
          ],
          ['tanh', 'sigmoid'],
        ),
      [randn([2, 3], { seed: 5 }), l0.weight, l0.bias as Tensor, l1.weight, l1.bias as Tensor],
    );
  });

  it('differentiates twice, in both orders, like its composition', () => {
    const [l0, l1] = network([2, 3, 1]) as [DenseLayer, DenseLayer];
    const x = randn([2, 2], { seed: 4 });
    const of = (w: Tensor, net: typeof fusedMLP | typeof composed) =>
      net(x, [{ weight: w, bias: l0.bias }, l1], ['tanh', 'identity']).sum();
    // reverse over reverse: the fused rule's createGraph path
    const gg = (net: typeof fusedMLP | typeof composed) =>
      grad((w: Tensor) =>
        grad((v: Tensor) => of(v, net))(w)
          .square()
          .sum(),
      )(l0.weight);
    expect(Array.from(gg(fusedMLP).data)).toEqual(Array.from(gg(composed).data));
    // forward over reverse, against central differences
    checkHessian((w) => of(w, fusedMLP), l0.weight.detach());
  });

  it('is its composition under jvp and vmap, and replays under compile', () => {
    const layers = network([2, 3, 2]);
    const x = randn([2, 2], { seed: 6 });
    const dir = randn([2, 3], { seed: 7 });
    const at = (net: typeof fusedMLP | typeof composed) => (w: Tensor) =>
      net(
        x,
        [{ weight: w, bias: layers[0]?.bias ?? null }, layers[1] as DenseLayer],
        ['relu', 'sigmoid'],
      );
    const [y1, t1] = jvp(at(fusedMLP), [(layers[0] as DenseLayer).weight], [dir]);
    const [y2, t2] = jvp(at(composed), [(layers[0] as DenseLayer).weight], [dir]);
    expect([Array.from(y1.data), Array.from(t1.data)]).toEqual([
      Array.from(y2.data),
      Array.from(t2.data),
    ]);

    const xs = randn([5, 2], { seed: 8 });
    const batched = vmap((xi: Tensor) => fusedMLP(xi, layers, ['tanh', 'identity']))(xs);
    expect(Array.from(batched.data)).toEqual(
      Array.from(composed(xs, layers, ['tanh', 'identity']).data),
    );

    const step = compile((xb: Tensor) => {
      const loss = fusedMLP(xb, layers, ['sigmoid', 'identity']).square().sum();
      loss.backward();
      return loss;
    });
    for (const seed of [1, 2, 1]) {
      const xb = randn([3, 2], { seed });
      const all = layers.flatMap((l) => [l.weight, l.bias as Tensor]);
      for (const t of all) t.grad = null;
      const replayed = [step(xb).item(), ...all.map((t) => Array.from((t.grad as Tensor).data))];
      for (const t of all) t.grad = null;
      const loss = composed(xb, layers, ['sigmoid', 'identity']).square().sum();
      loss.backward();
      expect(replayed).toEqual([
        loss.item(),
        ...all.map((t) => Array.from((t.grad as Tensor).data)),
      ]);
    }
  });

  it('keeps each call’s activations: a backward after another forward still has its own', () => {
    const layers = network([2, 4, 1]);
    const [xa, xb] = [randn([1, 2], { seed: 1 }), randn([1, 2], { seed: 2 })];
    const first = fusedMLP(xa, layers, ['sigmoid', 'identity']);
    fusedMLP(xb, layers, ['sigmoid', 'identity']); // a second call in between
    const all = layers.flatMap((l) => [l.weight, l.bias as Tensor]);
    first.sum().backward();
    const fused = all.map((t) => Array.from((t.grad as Tensor).data));
    for (const t of all) t.grad = null;
    composed(xa, layers, ['sigmoid', 'identity']).sum().backward();
    expect(fused).toEqual(all.map((t) => Array.from((t.grad as Tensor).data)));
  });

  it('says which layer does not fit, and why', () => {
    const layers = network([2, 3, 1]);
    const x = randn([4, 2], { seed: 1 });
    expect(() => fusedMLP(randn([4, 5], { seed: 1 }), layers, ['tanh', 'identity'])).toThrow(
      new ShapeError(
        'fusedMLP: layer 0: weight of shape [2, 3] does not fit the input of shape [4, 5]; expected [5, out]',
      ),
    );
    const swapped = [layers[0] as DenseLayer, { weight: randn([4, 1], { seed: 1 }), bias: null }];
    expect(() => fusedMLP(x, swapped, ['tanh', 'identity'])).toThrow(
      'fusedMLP: layer 1: weight of shape [4, 1] does not fit the output of layer 0 (3 wide); expected [3, out]',
    );
    const badBias = [{ weight: (layers[0] as DenseLayer).weight, bias: tensor([1, 2]) }];
    expect(() => fusedMLP(x, badBias, ['tanh'])).toThrow(
      'fusedMLP: layer 0: bias of shape [2] does not fit its weight of shape [2, 3]; expected [3]',
    );
    expect(() => fusedMLP(x, layers, ['tanh'])).toThrow(
      new ValueError('fusedMLP: expected one activation a layer (2), got 1'),
    );
    expect(() => fusedMLP(x, layers, ['tanh', 'softmax' as FusedActivation])).toThrow(
      'fusedMLP: layer 1: unknown activation softmax; expected one of identity, sigmoid, tanh, relu',
    );
    expect(() => fusedMLP(x, [], [])).toThrow('fusedMLP: expected a non-empty array of layers');
    expect(() => fusedMLP(tensor(1), layers, ['tanh', 'identity'])).toThrow(
      'fusedMLP: the input is a scalar',
    );
    expect(() => fusedMLP(x.astype('float32'), layers, ['tanh', 'identity'])).toThrow(DTypeError);
  });
});
