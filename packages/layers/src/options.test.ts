// Every public constructor and function of layers that takes an options object, called with one
// misspelled key: each must refuse it, naming the closest known name (issue 18, defect 9).
import { randn, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  crossEntropy,
  defineActivation,
  halfSquaredError,
  huber,
  Linear,
  MLP,
  mae,
  mse,
  RBF,
  registerActivation,
  unregisterActivation,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid
const bad = (o: unknown): any => o;
const net = () => new MLP({ inputs: 2, hidden: [3], seed: 0 });
const loss = (f: typeof mse) => (o: unknown) => f(randn([2]), [0, 1], bad(o));
// [where the message starts, the typo, the name meant, the call taking the options]
const cases: [where: string, typo: string, meant: string, call: (o: unknown) => unknown][] = [
  [
    'MLP',
    'activaton',
    'activation',
    (o) => new MLP(bad({ inputs: 2, hidden: [3], ...(o as object) })),
  ],
  [
    'MLP',
    'outputActivaton',
    'outputActivation',
    (o) => new MLP(bad({ inputs: 2, hidden: [3], ...(o as object) })),
  ],
  ['MLP.forward', 'intermediate', 'intermediates', (o) => net().forward([[1, 2]], bad(o))],
  [
    'MLP.forward: intermediates',
    'retainGrads',
    'retainGrad',
    (o) => net().forward([[1, 2]], bad({ intermediates: o })),
  ],
  ['Linear(2 → 3)', 'baias', 'bias', (o) => new Linear(2, 3, bad(o))],
  ['Linear(2 → 3)', 'biasinit', 'biasInit', (o) => new Linear(2, 3, bad(o))],
  ['RBF', 'gama', 'gamma', (o) => new RBF(bad(o))],
  ['RBF', 'learnabel', 'learnable', (o) => new RBF(bad(o))],
  ['mse', 'reductoin', 'reduction', loss(mse)],
  ['mae', 'reductoin', 'reduction', loss(mae)],
  ['huber', 'delt', 'delta', loss(huber)],
  ['halfSquaredError', 'reductoin', 'reduction', loss(halfSquaredError)],
  ['binaryCrossEntropy', 'reductoin', 'reduction', loss(binaryCrossEntropy)],
  ['crossEntropy', 'reductoin', 'reduction', (o) => crossEntropy(randn([2, 3]), [0, 2], bad(o))],
  [
    'defineActivation',
    'derivitive',
    'derivative',
    (o) => defineActivation(bad({ name: 'typo', fn: (a: never) => a, ...(o as object) })),
  ],
  [
    'registerActivation',
    'replaces',
    'replace',
    (o) => registerActivation(defineActivation({ name: 'typo2', fn: (a) => a }), bad(o)),
  ],
];

describe('options: unknown keys are refused, naming the closest known one', () => {
  it.each(cases)('%s refuses %s and suggests %s', (where, typo, meant, call) => {
    let error: unknown;
    try {
      call({ [typo]: 1 });
    } catch (e) {
      error = e;
    }
    unregisterActivation('typo2');
    expect(error).toBeInstanceOf(ValueError);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^${escapeRegExp(where)}: unknown option "${typo}" \\(did you mean "${meant}"\\?\\); `,
      ),
    );
    expect(message).toMatch(/ takes /); // then the list of every known name
  });

  it('keeps accepting every known option (a saved config included)', () => {
    const mlp = new MLP({
      inputs: 2,
      hidden: [3],
      outputs: 1,
      activation: 'relu',
      outputActivation: 'identity',
      init: 'heNormal',
      seed: 1,
      dtype: 'float64',
    });
    expect(new MLP(mlp.config).config).toEqual(mlp.config);
    expect(mlp.forward([[1, 2]], { intermediates: { retainGrad: true } }).a).toHaveLength(1);
    expect(mlp.forward([[1, 2]], { trace: true }).z).toHaveLength(1);
    const layer = new Linear(2, 3, {
      bias: false,
      init: 'zeros',
      biasInit: 'zeros',
      dtype: 'float32',
      seed: 1,
    });
    expect(layer.bias).toBeNull();
    expect(new RBF({ gamma: 2, learnable: true, dtype: 'float32' }).gamma).not.toBe(2);
    expect(huber(randn([2]), [0, 1], { reduction: 'sum', delta: 2 }).shape).toEqual([]);
    const act = defineActivation({
      name: 'allKeys',
      f: (a) => a,
      df: (a) => a.mul(0).add(1),
      derivative: (a) => a.mul(0).add(1),
      elementwise: true,
      kinks: [],
      twiceDifferentiable: true,
      init: 'xavier',
      description: 'identity, every key given',
    });
    registerActivation(act, { as: 'allKeys', replace: true });
    expect(unregisterActivation('allKeys')).toBe(true);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
