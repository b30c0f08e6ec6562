import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../test/helpers.js';
import * as ops from './index.js';
import { DTypeError, randn, ShapeError, type Tensor, tensor, ValueError } from './index.js';

describe('tensor()', () => {
  it('builds row-major tensors from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rounds to float32 on request', () => {
    const t = tensor([0.1], { dtype: 'float32' });
    expect(t.dtype).toBe('float32');
    expect(t.data[0]).toBe(Math.fround(0.1));
  });

  it('refuses ragged arrays, non-numbers and NaN with a clear error', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ValueError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /ragged nested array: \[1\] has length 1, expected length 2/,
    );
    expect(() => tensor([1, '2' as unknown as number])).toThrow(/element 1 is "2"/);
    expect(() => tensor([1, Number.NaN])).toThrow(/non-finite/);
    expect(tensor([Number.POSITIVE_INFINITY], { allowNonFinite: true }).item()).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('a first gradient', () => {
  it('matches central differences for x·W + b through a sigmoid', () => {
    const x = randn([3, 4], { seed: 1 });
    const w = randn([4, 2], { seed: 2 });
    const b = randn([2], { seed: 3 });
    checkGradients((x, w, b) => x.matmul(w).add(b).sigmoid(), [x, w, b]);
  });

  it('names both shapes when they do not broadcast', () => {
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow(/add: shapes \[2\] and \[3\]/);
  });

  it('refuses to mix dtypes without a cast', () => {
    expect(() => tensor([1], { dtype: 'float32' }).mul(tensor([1]))).toThrow(DTypeError);
    expectAllClose(
      tensor([1], { dtype: 'float32' })
        .astype('float64')
        .mul(tensor([2])),
      [2],
    );
  });
});

describe('every op is both a function and a chainable method', () => {
  const x = randn([2, 3], { seed: 11 });
  const y = randn([2, 3], { seed: 12 });
  const pos = x.abs().add(0.5);
  // [function result, method result]: the two spellings must agree exactly
  const pairs: [string, Tensor, Tensor][] = [
    ['add', ops.add(x, y), x.add(y)],
    ['sub', ops.sub(x, y), x.sub(y)],
    ['mul', ops.mul(x, 2), x.mul(2)],
    ['div', ops.div(x, pos), x.div(pos)],
    ['pow', ops.pow(pos, y), pos.pow(y)],
    ['maximum', ops.maximum(x, y), x.maximum(y)],
    ['minimum', ops.minimum(x, y), x.minimum(y)],
    ['where', ops.where(x.gt(0), x, y), x.where(x.gt(0), y)],
    ['gt', ops.gt(x, y), x.gt(y)],
    ['ge', ops.ge(x, y), x.ge(y)],
    ['lt', ops.lt(x, y), x.lt(y)],
    ['le', ops.le(x, y), x.le(y)],
    ['eq', ops.eq(x, x), x.eq(x)],
    ['ne', ops.ne(x, y), x.ne(y)],
    ['neg', ops.neg(x), x.neg()],
    ['exp', ops.exp(x), x.exp()],
    ['log', ops.log(pos), pos.log()],
    ['log1p', ops.log1p(pos), pos.log1p()],
    ['sqrt', ops.sqrt(pos), pos.sqrt()],
    ['abs', ops.abs(x), x.abs()],
    ['sign', ops.sign(x), x.sign()],
    ['sin', ops.sin(x), x.sin()],
    ['cos', ops.cos(x), x.cos()],
    ['tanh', ops.tanh(x), x.tanh()],
    ['sigmoid', ops.sigmoid(x), x.sigmoid()],
    ['relu', ops.relu(x), x.relu()],
    ['square', ops.square(x), x.square()],
    ['reciprocal', ops.reciprocal(pos), pos.reciprocal()],
    ['clamp', ops.clamp(x, -0.5, 0.5), x.clamp(-0.5, 0.5)],
    ['astype', ops.astype(x, 'float32'), x.astype('float32')],
    ['sum', ops.sum(x, 1, true), x.sum(1, true)],
    ['mean', ops.mean(x, 0), x.mean(0)],
    ['max', ops.max(x, -1), x.max(-1)],
    ['min', ops.min(x), x.min()],
    ['logsumexp', ops.logsumexp(x, 1), x.logsumexp(1)],
    ['softmax', ops.softmax(x, 0), x.softmax(0)],
    ['logSoftmax', ops.logSoftmax(x), x.logSoftmax()],
    ['reshape', ops.reshape(x, [3, 2]), x.reshape(3, 2)],
    ['transpose', ops.transpose(x), x.T],
    ['broadcastTo', ops.broadcastTo(x, [4, 2, 3]), x.broadcastTo([4, 2, 3])],
    ['sumTo', ops.sumTo(x, [3]), x.sumTo([3])],
    ['squeeze', ops.squeeze(x.reshape(2, 1, 3)), x.reshape(2, 1, 3).squeeze()],
    ['unsqueeze', ops.unsqueeze(x, 1), x.unsqueeze(1)],
    ['slice', ops.slice(x, [0, 1], [1, 3]), x.slice([0, 1], [1, 3])],
    [
      'pad',
      ops.pad(x, [
        [1, 0],
        [0, 2],
      ]),
      x.pad([
        [1, 0],
        [0, 2],
      ]),
    ],
    ['gather', ops.gather(x, [1, 0, 1]), x.gather([1, 0, 1])],
    ['scatterAdd', ops.scatterAdd(x, [2, 0], 3), x.scatterAdd([2, 0], 3)],
    ['concat', ops.concat([x, y], 1), x.concat(y, 1)],
    ['stack', ops.stack([x, y]), x.stack(y)],
    ['matmul', ops.matmul(x, y.T), x.matmul(y.T)],
  ];
  it.each(pairs)('%s', (_name, viaFunction, viaMethod) => {
    expect(viaMethod.shape).toEqual(viaFunction.shape);
    expect(viaMethod.dtype).toBe(viaFunction.dtype);
    expect(Array.from(viaMethod.data)).toEqual(Array.from(viaFunction.data));
  });
});
