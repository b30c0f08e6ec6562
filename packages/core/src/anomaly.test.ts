import { afterEach, describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import {
  defineOp,
  detectAnomaly,
  isDetectAnomalyEnabled,
  NonFiniteError,
  setDetectAnomaly,
  type Tensor,
  tensor,
} from './index.js';

// The call site in each message must be this file: the first frame outside the library.
const THIS_FILE = /anomaly\.test\.ts:\d+/;

/** The error `fn` throws (failing the test if it throws none). */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error');
}

afterEach(() => setDetectAnomaly(false));

describe('anomaly detection: forward', () => {
  it('names the first op that produced a non-finite value, and the user code that called it', () => {
    const x = tensor([1, 0], { requiresGrad: true });
    const error = thrownBy(() => detectAnomaly(() => x.log().mul(0))); // 0 · log 0
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toMatch(
      /^log produced -Infinity at flat index 1 of an output of shape \[2\]/,
    );
    expect(error.message).toMatch(THIS_FILE);
    expect(error.message).not.toMatch(/^mul/); // mul only passed the -Infinity on (as NaN)
  });

  it('works with setDetectAnomaly(true) as well', () => {
    setDetectAnomaly(true);
    expect(isDetectAnomalyEnabled()).toBe(true);
    const error = thrownBy(() => tensor([1, 1000]).exp()); // e¹⁰⁰⁰ overflows
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toMatch(/^exp produced Infinity at flat index 1/);
    expect(error.message).toMatch(THIS_FILE);
    expect(() => tensor(0).div(0)).toThrow(/^div produced NaN/);
  });

  it('does not blame an op for non-finite values it was given', () => {
    const inf = tensor([Number.POSITIVE_INFINITY], { allowNonFinite: true });
    const y = detectAnomaly(() => inf.mul(2));
    expect(y.item()).toBe(Number.POSITIVE_INFINITY);
  });

  it('checks ops whether or not they record the graph', () => {
    expect(() => detectAnomaly(() => tensor(-1).sqrt())).toThrow(/^sqrt produced NaN/);
  });
});

describe('anomaly detection: backward', () => {
  it('names the op whose gradient became infinite: sqrt at 0', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    // forward is finite (√0 = 0); backward gives 1/(2√0) = Infinity
    const error = thrownBy(() => detectAnomaly(() => x.sqrt().sum().backward()));
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toMatch(/gradient of sqrt/);
    expect(error.message).toMatch(/Infinity at flat index 0/);
    expect(error.message).toMatch(THIS_FILE); // where sqrt was called
  });

  it('names a custom op whose vjp returns a non-finite gradient', () => {
    const spike = defineOp({
      name: 'spike',
      forward: (x) => x.mul(1),
      vjp: () => tensor([Number.NaN, 0], { allowNonFinite: true }),
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const error = thrownBy(() => detectAnomaly(() => spike(x).sum().backward()));
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toMatch(/gradient of spike \(input 0\) became NaN at flat index 0/);
    expect(error.message).toMatch(THIS_FILE);
  });

  it('gives the same values and gradients as without the mode when all is finite', () => {
    const f = (x: Tensor) => x.exp().mul(x.sin()).sum();
    const a = tensor([0.1, 2], { requiresGrad: true });
    const b = tensor([0.1, 2], { requiresGrad: true });
    detectAnomaly(() => f(a).backward());
    f(b).backward();
    expectAllClose(a.grad as Tensor, b.grad as Tensor, { atol: 0, rtol: 0 });
  });
});

describe('without anomaly detection', () => {
  it('lets NaN and Infinity propagate silently', () => {
    expect(isDetectAnomalyEnabled()).toBe(false);
    const x = tensor([1, 0], { requiresGrad: true });
    const y = x.log().mul(0);
    expect(y.data[0]).toBe(0);
    expect(y.data[1]).toBeNaN(); // 0 · (−∞)
    const z = tensor([0, 4], { requiresGrad: true });
    z.sqrt().sum().backward();
    expectAllClose(z.grad as Tensor, [Number.POSITIVE_INFINITY, 0.25]); // 1/(2√z)
  });

  it('detectAnomaly(fn) returns what fn returns and restores the mode, even after an error', () => {
    expect(detectAnomaly(() => 42)).toBe(42);
    expect(isDetectAnomalyEnabled()).toBe(false);
    expect(() => detectAnomaly(() => tensor(0).log())).toThrow(NonFiniteError);
    expect(isDetectAnomalyEnabled()).toBe(false);
  });
});
