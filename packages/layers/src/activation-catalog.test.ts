// The catalog's mechanics: defining an activation both ways, registering, aliases, parametric
// families ('leakyRelu(0.2)'), lookups and their errors. The values of the built-ins are in
// builtin-activations.test.ts, which also sweeps whatever is registered.
import { grad, type Tensor, tensor, ValueError } from '@backprop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../core/test/helpers.js';
import {
  type Activation,
  activationEntries,
  activationName,
  defineActivation,
  elu,
  getActivation,
  getActivationEntry,
  leakyRelu,
  rbf,
  registerActivation,
  registerActivationFamily,
  relu,
  unregisterActivation,
} from './index.js';

const registered: string[] = [];
/** Registers for one test only. */
function registerForTest(...args: Parameters<typeof registerActivation>) {
  registerActivation(...args);
  registered.push(args[1]?.as ?? args[0].entry.name);
}
afterEach(() => {
  for (const name of registered.splice(0)) unregisterActivation(name);
});

const x = [-2, -0.5, 0, 0.3, 1.7];

describe('defineActivation', () => {
  it('makes an activation from a composition in a few lines; registering it is one call', () => {
    const bent = defineActivation({
      name: 'bentIdentity',
      fn: (a) => a.square().add(1).sqrt().sub(1).div(2).add(a), // (√(a² + 1) − 1)/2 + a
    });
    registerForTest(bent);

    expect(getActivation('bentIdentity')).toBe(bent);
    expect(activationName(bent)).toBe('bentIdentity');
    expectAllClose(
      bent(tensor(x)),
      x.map((v) => (Math.sqrt(v * v + 1) - 1) / 2 + v),
      { atol: 1e-15, rtol: 1e-15 },
    );
    checkGradients((a) => bent(a), [tensor(x)]); // the gradient came for free
    expect(bent.entry).toMatchObject({
      elementwise: true,
      twiceDifferentiable: true,
      init: 'xavier',
    });
    expect(bent.name).toBe('bentIdentity');
  });

  it('makes an activation from f and f′ (written in tensor ops), with a kink convention', () => {
    const relu6 = defineActivation({
      name: 'relu6',
      f: (v) => Math.min(Math.max(v, 0), 6),
      df: (a) => a.gt(0).mul(a.lt(6)), // 0 at both corners, as PyTorch's relu6
      kinks: [0, 6],
      init: 'he',
    });
    registerForTest(relu6);

    const a = [-1, 0, 3, 6, 7];
    expect([...relu6(tensor(a)).data]).toEqual([0, 0, 3, 6, 6]);
    expect([...grad((t: Tensor) => relu6(t).sum())(tensor(a)).data]).toEqual([0, 0, 1, 0, 0]);
    checkGradients((t) => relu6(t), [tensor([-1.5, 0.5, 2, 5.5, 8])]);
    expect(getActivationEntry('relu6')).toMatchObject({ kinks: [0, 6], init: 'he' });
  });

  it('differentiates df itself, so f given as f and f′ has a second derivative', () => {
    const myTanh = defineActivation({
      name: 'myTanh',
      f: Math.tanh,
      df: (_a, z) => z.square().neg().add(1), // from the output: 1 − z²
    });
    const d2 = grad((t: Tensor) => grad((u: Tensor) => myTanh(u).sum())(t).sum())(tensor(x));
    // (1 − tanh²)′ = −2 tanh·(1 − tanh²), the closed form
    expectAllClose(
      d2,
      x.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)),
      { atol: 1e-15, rtol: 1e-13 },
    );
  });

  it('keeps the entry it was given, frozen, with sensible defaults', () => {
    const derivative = (a: Tensor) => a.onesLike();
    const act = defineActivation({
      name: 'lin',
      fn: (a) => a.mul(1),
      derivative,
      description: 'a copy',
    });
    expect(act.entry).toEqual({
      name: 'lin',
      fn: act,
      derivative,
      elementwise: true,
      twiceDifferentiable: true,
      init: 'xavier',
      description: 'a copy',
    });
    expect(Object.isFrozen(act.entry)).toBe(true);
    expect(defineActivation({ name: 'n', fn: (a) => a }).entry.description).toBe('n');
  });

  it('says what is wrong with a definition', () => {
    const fn: Activation = (a) => a;
    const cases: [unknown, RegExp][] = [
      [{ fn }, /name must be a non-empty string/],
      [{ name: '', fn }, /name must be a non-empty string/],
      [{ name: 'x' }, /give either fn .* or both f and df .*, not neither/],
      [{ name: 'x', fn, f: Math.sin, df: fn }, /not fn and f and df/],
      [{ name: 'x', f: Math.sin }, /not f$/],
      [
        { name: 'x', f: Math.sin, df: fn, elementwise: false },
        /f and df define an elementwise activation/,
      ],
      [{ name: 'x', fn, elementwise: false, derivative: fn }, /scalar derivative only makes sense/],
      [{ name: 'x', fn, kinks: [0, Number.NaN] }, /kinks must be a list of finite numbers/],
      [{ name: 'x', fn, init: 'lecun' }, /init must be 'xavier' or 'he', got lecun/],
      [{ name: 'x', fn, derivative: 3 }, /derivative must be a function/],
    ];
    for (const [definition, message] of cases) {
      expect(
        () => defineActivation(definition as Parameters<typeof defineActivation>[0]),
        JSON.stringify(definition),
      ).toThrow(message);
    }
    expect(() => defineActivation({ name: 'x' })).toThrow(ValueError);
  });
});

describe('registerActivation', () => {
  it('refuses a name already taken, unless asked to replace it', () => {
    const mine = defineActivation({ name: 'relu', fn: (a) => a.relu() });
    expect(() => registerActivation(mine)).toThrow(
      "registerActivation: 'relu' is already registered (pass { replace: true } to replace it)",
    );
    expect(getActivation('relu')).toBe(relu);

    const once = defineActivation({ name: 'once', fn: (a) => a });
    registerForTest(once);
    expect(() => registerActivation(once)).toThrow(/'once' is already registered/);
    const again = defineActivation({ name: 'once', fn: (a) => a.mul(2) });
    registerActivation(again, { replace: true });
    expect(getActivation('once')).toBe(again);
  });

  it('registers an alias with { as }: the same function, found under both names', () => {
    const cube = defineActivation({ name: 'cube', fn: (a) => a.square().mul(a) });
    registerForTest(cube);
    registerForTest(cube, { as: 'cubed' });
    expect(getActivation('cubed')).toBe(cube);
    expect(getActivationEntry('cubed').description).toBe('cube (alias of cube)');
    expect(activationName(cube)).toBe('cube'); // the first name, for saving
  });

  it('refuses what is not a defined activation, and names that would not parse back', () => {
    const plain = ((a: Tensor) => a) as never;
    expect(() => registerActivation(plain)).toThrow(
      /expected an activation made by defineActivation/,
    );
    for (const name of ['my act', 'f(2)', '1st', '']) {
      const act = defineActivation({ name: name || 'x', fn: (a) => a });
      expect(() => registerActivation(act, { as: name }), name).toThrow(
        /a catalog name is a letter/,
      );
    }
  });

  it('adds to activationEntries() and unregisterActivation removes it again', () => {
    const before = activationEntries().length;
    registerActivation(defineActivation({ name: 'temp', fn: (a) => a }));
    expect(activationEntries().map((e) => e.name)).toContain('temp');
    expect(activationEntries().length).toBe(before + 1);
    expect(unregisterActivation('temp')).toBe(true);
    expect(unregisterActivation('temp')).toBe(false);
    expect(activationEntries().length).toBe(before);
  });
});

describe('getActivation, getActivationEntry, activationName', () => {
  it('finds a registered activation and its entry', () => {
    expect(getActivation('relu')).toBe(relu);
    expect(getActivationEntry('relu')).toBe(relu.entry);
    expect(activationName(relu)).toBe('relu');
  });

  it('lists the known names when a name is unknown', () => {
    let message = '';
    try {
      getActivation('rleu');
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^unknown activation "rleu"; known activations: sigmoid, softsign, softmax, relu, rbf, /,
    );
    for (const name of activationEntries().map((e) => e.name)) expect(message).toContain(name);
    expect(message).toContain('with parameters: rbf(gamma), leakyRelu(alpha), elu(alpha)');
    expect(() => getActivation(undefined as never)).toThrow(/unknown activation undefined/);
    expect(() => getActivation('__proto__')).toThrow(/unknown activation "__proto__"/);
  });

  it('gives no name to a function the catalog does not know', () => {
    expect(activationName((a) => a.relu())).toBeUndefined();
    expect(
      activationName(defineActivation({ name: 'unregistered', fn: (a) => a })),
    ).toBeUndefined();
  });
});

describe('families: activations with parameters, saved as calls', () => {
  it('resolves "leakyRelu(0.2)" and names leakyRelu(0.2) so that it parses back', () => {
    const lr = leakyRelu(0.2);
    expect(activationName(lr)).toBe('leakyRelu(0.2)');
    const again = getActivation('leakyRelu(0.2)');
    expect([...again(tensor([-1, 2])).data]).toEqual([-0.2, 2]);
    for (const made of [elu(0.5), leakyRelu(-1e-7), elu(2.5e-3)]) {
      const name = activationName(made) as string;
      expectAllClose(getActivation(name)(tensor(x)), made(tensor(x)), { atol: 0, rtol: 0 });
    }
    expect(activationName(leakyRelu(-1e-7))).toBe('leakyRelu(-1e-7)');
    expect(getActivationEntry(' elu( 0.5 ) ').name).toBe('elu(0.5)');
  });

  it('gives the catalog’s own activation for the default parameters', () => {
    expect(leakyRelu()).toBe(getActivation('leakyRelu'));
    expect(leakyRelu(0.01)).toBe(getActivation('leakyRelu'));
    expect(getActivation('leakyRelu()')).toBe(getActivation('leakyRelu'));
    expect(elu(1)).toBe(getActivation('elu'));
    expect(activationName(elu(1))).toBe('elu');
  });

  it('says what is wrong with a call', () => {
    expect(() => getActivation('leakyRelu(abc)')).toThrow(
      "activation 'leakyRelu(abc)': expected at most 1 number(s), as in leakyRelu(alpha)",
    );
    expect(() => getActivation('leakyRelu(1, 2)')).toThrow(/expected at most 1 number/);
    expect(() => getActivation('leakyRelu(NaN)')).toThrow(/expected at most 1 number/);
    expect(() => getActivation('leakyRelu(Infinity)')).toThrow(/expected at most 1 number/);
    expect(() => getActivation('elu(1e999)')).toThrow(
      'elu: alpha must be a finite number, got Infinity',
    );
    expect(() => getActivation('nope(1)')).toThrow(/unknown activation "nope\(1\)"/);
    expect(() => leakyRelu(Number.NaN)).toThrow(
      'leakyRelu: alpha must be a finite number, got NaN',
    );
    // beyond ±1e6 an activation of an ordinary input overflows (leakyRelu(−1e308) of −10 is +Infinity)
    expect(() => leakyRelu(-1e308)).toThrow(
      'leakyRelu: alpha must be at most 1e6 in magnitude, got -1e+308',
    );
    expect(() => elu(2e6)).toThrow('elu: alpha must be at most 1e6 in magnitude, got 2000000');
    expect(() => rbf(1e7)).toThrow('rbf: gamma must be at most 1e6 in magnitude, got 10000000');
    expect(leakyRelu(-1e6)(tensor([-10])).item()).toBe(1e7);
  });

  it('lets a user add a family in a few lines', () => {
    const scaledTanh = registerActivationFamily(
      'scaledTanhTest',
      'scaledTanhTest(beta)',
      (beta = 1) =>
        defineActivation({ name: `scaledTanhTest(${beta})`, fn: (a) => a.mul(beta).tanh() }),
    );
    const made = scaledTanh(2);
    expect(activationName(made)).toBe('scaledTanhTest(2)');
    expect(getActivation('scaledTanhTest(2)')(tensor([0.5])).item()).toBe(Math.tanh(1));
    expect(() =>
      registerActivationFamily('scaledTanhTest', 'scaledTanhTest(beta)', scaledTanh),
    ).toThrow(/'scaledTanhTest' is already registered/);
  });

  it('refuses a family whose members could not be found again, or a bad signature', () => {
    const wrong = registerActivationFamily('wrongNameTest', 'wrongNameTest(k)', (k = 1) =>
      defineActivation({ name: 'something', fn: (a) => a.mul(k) }),
    );
    expect(() => wrong(3)).toThrow(
      "wrongNameTest: the activation made for (3) is named 'something'; expected 'wrongNameTest(3)' so that it can be found again",
    );
    expect(() =>
      registerActivationFamily('badSignatureTest', 'beta', () =>
        defineActivation({ name: 'x', fn: (a) => a }),
      ),
    ).toThrow(/signature must look like 'badSignatureTest\(alpha\)'/);
  });
});
