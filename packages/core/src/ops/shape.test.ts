// Tests of the shape ops: values by hand or plain loops, errors, gradient checks, second derivatives,
// and the adjoint pairs (⟨A x, y⟩ = ⟨x, Aᵀ y⟩) that their derivative rules rely on.
import { describe, expect, it } from 'vitest';
import { checkGradients, expectAllClose } from '../../test/helpers.js';
import { checkHessian } from '../../test/second-order.js';
import {
  AxisError,
  arange,
  broadcastTo,
  concat,
  DTypeError,
  gather,
  pad,
  randn,
  reshape,
  ShapeError,
  scatterAdd,
  slice,
  squeeze,
  stack,
  sumTo,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
  ValueError,
  zeros,
} from '../index.js';

/** 0, 1, …, n−1 in `shape`. */
const iota = (...shape: number[]) => arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);

/** ⟨a, b⟩ with a plain loop. */
function dot(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += (a.data[i] as number) * (b.data[i] as number);
  return s;
}

/** Checks ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ on random x and y: `adjoint` is the transpose of the linear map `forward`. */
function expectAdjoint(
  forward: (x: Tensor) => Tensor,
  adjoint: (y: Tensor) => Tensor,
  xShape: number[],
  seed: number,
): void {
  const x = randn(xShape, { seed });
  const y = randn(forward(x).shape, { seed: seed + 1 });
  expectAllClose(dot(forward(x), y), dot(x, adjoint(y)), { atol: 1e-12, rtol: 1e-12 });
}

/**
 * Checks second derivatives of x ↦ Σ w ⊙ op(x)² (w fixed and random): its Hessian 2·Aᵀ diag(w) A
 * runs through the op's derivative rule and the op, so the rule must itself be differentiable.
 */
function checkSecondOrder(op: (x: Tensor) => Tensor, x: Tensor): void {
  const w = randn(op(x).shape, { seed: 99 });
  checkHessian((x) => op(x).square().mul(w).sum(), x);
}

describe('reshape', () => {
  it('keeps the row-major order and infers one −1', () => {
    expectAllClose(reshape(iota(6), [2, 3]), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expectAllClose(reshape(iota(6), [3, -1]), [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(reshape(iota(2, 3), [-1]).shape).toEqual([6]);
    expect(reshape(iota(2, 3), [2, -1, 1]).shape).toEqual([2, 3, 1]);
    expect(reshape(iota(2, 3), [-1, 2, 3]).shape).toEqual([1, 2, 3]);
    expectAllClose(reshape(tensor([7]), []), 7);
    expect(reshape(zeros([0, 3]), [3, -1]).shape).toEqual([3, 0]);
    expect(iota(2, 3).reshape(3, 2).shape).toEqual([3, 2]);
  });

  it('names both shapes and sizes when they do not fit', () => {
    expect(() => reshape(iota(6), [4])).toThrow(ShapeError);
    expect(() => reshape(iota(6), [4])).toThrow(
      /^reshape: cannot reshape \[6\] \(6 elements\) to \[4\] \(4 elements\)$/,
    );
    expect(() => reshape(iota(2, 3), [4, -1])).toThrow(
      /^reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, -1\]$/,
    );
    expect(() => reshape(iota(6), [-1, -1])).toThrow(
      /^reshape: only one size may be −1, got \[-1, -1\]$/,
    );
    expect(() => reshape(iota(6), [-2, -3])).toThrow(
      /^reshape: invalid shape \[-2, -3\]; sizes must be non-negative integers or one −1$/,
    );
    expect(() => reshape(iota(6), [2.5, 2])).toThrow(/invalid shape \[2\.5, 2\]/);
  });

  it('computes the gradient, of first and second order', () => {
    const x = randn([2, 3, 2], { seed: 1 });
    checkGradients((x) => reshape(x, [3, -1]), [x]);
    checkGradients((x) => reshape(x, [12]).mul(2), [x]);
    checkSecondOrder((x) => reshape(x, [4, 3]), x);
  });
});

describe('transpose', () => {
  it('reverses the axes by default', () => {
    expectAllClose(transpose(iota(2, 3)), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const x = iota(2, 3, 4);
    const y = transpose(x);
    expect(y.shape).toEqual([4, 3, 2]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++)
          expect(y.data[k * 6 + j * 2 + i]).toBe(x.data[i * 12 + j * 4 + k]);
  });

  it('permutes as told: output axis i is input axis perm[i], negative axes allowed', () => {
    const x = iota(2, 3, 4);
    const y = transpose(x, [2, 0, -2]); // shape [4, 2, 3]: y[k][i][j] = x[i][j][k]
    expect(y.shape).toEqual([4, 2, 3]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++)
          expect(y.data[k * 6 + i * 3 + j]).toBe(x.data[i * 12 + j * 4 + k]);
    expect(transpose(x, [0, 1, 2])).toBe(x); // the identity permutation is the same tensor
  });

  it('is undone by the inverse permutation, and its adjoint is that inverse', () => {
    const x = randn([2, 3, 4], { seed: 2 });
    const perm = [1, 2, 0];
    const inverse = [2, 0, 1];
    expectAllClose(transpose(transpose(x, perm), inverse), x);
    expectAdjoint(
      (x) => transpose(x, perm),
      (y) => transpose(y, inverse),
      [2, 3, 4],
      3,
    );
  });

  it('refuses a perm that is not a permutation of the axes', () => {
    const x = iota(2, 3, 4);
    expect(() => transpose(x, [0, 0, 1])).toThrow(AxisError);
    expect(() => transpose(x, [0, 0, 1])).toThrow(
      /^transpose: perm \[0,0,1\] is not a permutation of the 3 axes of a tensor of shape \[2, 3, 4\]$/,
    );
    expect(() => transpose(x, [1, 0])).toThrow(/perm \[1,0\] is not a permutation of the 3 axes/);
    expect(() => transpose(x, [0, 1, 3])).toThrow(/^transpose: axis 3 is out of range/);
  });

  it('computes the gradient, of first and second order', () => {
    const x = randn([2, 3, 4], { seed: 4 });
    checkGradients((x) => transpose(x), [x]);
    checkGradients((x) => transpose(x, [1, 2, 0]), [x]);
    checkSecondOrder((x) => transpose(x, [2, 0, 1]), x);
  });
});

describe('broadcastTo and sumTo', () => {
  it('broadcastTo repeats along new leading axes and axes of size 1', () => {
    expectAllClose(broadcastTo(tensor([1, 2, 3]), [2, 3]), [
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expectAllClose(broadcastTo(tensor([[1], [2]]), [2, 3]), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expectAllClose(broadcastTo(tensor(5), [2, 2]), [
      [5, 5],
      [5, 5],
    ]);
    expect(broadcastTo(tensor([[1], [2]]), [4, 2, 0]).shape).toEqual([4, 2, 0]);
  });

  it('broadcastTo names both shapes when they do not broadcast', () => {
    expect(() => broadcastTo(tensor([1, 2, 3]), [2, 4])).toThrow(ShapeError);
    expect(() => broadcastTo(tensor([1, 2, 3]), [1])).toThrow(
      /^broadcastTo: cannot broadcast shape \[3\] to \[1\]$/,
    );
    expect(() => broadcastTo(iota(2, 3), [3])).toThrow(
      /^broadcastTo: cannot broadcast shape \[2, 3\] to \[3\]$/,
    );
    expect(() => broadcastTo(tensor([1]), [-2])).toThrow(/^broadcastTo: invalid shape \[-2\]/);
  });

  it('sumTo adds up the copies that broadcasting made', () => {
    const x = iota(2, 3); // [[0, 1, 2], [3, 4, 5]]
    expectAllClose(sumTo(x, [3]), [3, 5, 7]);
    expectAllClose(sumTo(x, [1, 3]), [[3, 5, 7]]);
    expectAllClose(sumTo(x, [2, 1]), [[3], [12]]);
    expectAllClose(sumTo(x, []), 15);
    expectAllClose(sumTo(x, [1]), [15]);
    expect(sumTo(x, [2, 3])).toBe(x);
  });

  it('keep a copy of the shape they were given, so changing that array later changes nothing', () => {
    const target = [3];
    const y = sumTo(iota(2, 3), target);
    const shape = [3, 2];
    const z = reshape(iota(2, 3), shape);
    target[0] = 7;
    shape[0] = 1;
    expect(y.shape).toEqual([3]);
    expect(z.shape).toEqual([3, 2]);
  });

  it('sumTo names both shapes when the target does not broadcast to the input', () => {
    expect(() => sumTo(iota(2, 3), [4])).toThrow(ShapeError);
    expect(() => sumTo(iota(2, 3), [4])).toThrow(
      /^sumTo: cannot sum shape \[2, 3\] to \[4\], which does not broadcast to it$/,
    );
    expect(() => sumTo(iota(3), [2, 3])).toThrow(/cannot sum shape \[3\] to \[2, 3\]/);
  });

  it('are each other’s adjoint', () => {
    expectAdjoint(
      (x) => broadcastTo(x, [4, 2, 3]),
      (y) => sumTo(y, [2, 1]),
      [2, 1],
      5,
    );
  });

  it('broadcastTo sends each element the sum of its copies’ gradients', () => {
    const x = tensor([[1], [2]], { requiresGrad: true });
    broadcastTo(x, [3, 2, 4]).sum().backward();
    expectAllClose(x.grad as Tensor, [[12], [12]]); // 3·4 copies of each
  });

  it('computes the gradients, of first and second order', () => {
    checkGradients((x) => broadcastTo(x, [2, 3, 4]), [randn([3, 1], { seed: 6 })]);
    checkGradients((x) => sumTo(x, [3, 1]), [randn([2, 3, 4], { seed: 7 })]);
    checkSecondOrder((x) => broadcastTo(x, [2, 3, 2]), randn([3, 1], { seed: 8 }));
    checkSecondOrder((x) => sumTo(x, [1, 3]), randn([2, 3], { seed: 9 }));
  });
});

describe('squeeze and unsqueeze', () => {
  it('squeeze removes all axes of size 1, or the named ones', () => {
    const x = iota(1, 3, 1, 2);
    expect(squeeze(x).shape).toEqual([3, 2]);
    expect(squeeze(x, 2).shape).toEqual([1, 3, 2]);
    expect(squeeze(x, [0, -2]).shape).toEqual([3, 2]);
    expectAllClose(squeeze(x), [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(squeeze(tensor([[4]])).shape).toEqual([]);
    const m = iota(2, 3);
    expect(squeeze(m)).toBe(m); // nothing to remove: the same tensor
  });

  it('squeeze refuses an axis whose size is not 1, or out of range', () => {
    const x = iota(1, 3, 1, 2);
    expect(() => squeeze(x, 1)).toThrow(ShapeError);
    expect(() => squeeze(x, 1)).toThrow(
      /^squeeze: axis 1 of shape \[1, 3, 1, 2\] has size 3, not 1$/,
    );
    expect(() => squeeze(x, -1)).toThrow(/axis 3 of shape \[1, 3, 1, 2\] has size 2, not 1/);
    expect(() => squeeze(x, 4)).toThrow(AxisError);
    expect(() => squeeze(x, [0, 0])).toThrow(/names an axis twice/);
  });

  it('unsqueeze inserts an axis of size 1; −1 appends', () => {
    const x = iota(2, 3);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expectAllClose(unsqueeze(x, 1), [[[0, 1, 2]], [[3, 4, 5]]]);
    expect(() => unsqueeze(x, 3)).toThrow(AxisError);
    expect(() => unsqueeze(x, -4)).toThrow(
      /^unsqueeze: axis -4 is out of range .* valid axes: -3\.\.2$/,
    );
  });

  it('compute the gradients, of first and second order', () => {
    checkGradients((x) => squeeze(x), [randn([1, 3, 1, 2], { seed: 10 })]);
    checkGradients((x) => unsqueeze(x, 1), [randn([2, 3], { seed: 11 })]);
    checkSecondOrder((x) => squeeze(x, 0), randn([1, 2, 3], { seed: 12 }));
    checkSecondOrder((x) => unsqueeze(x, -1), randn([2, 3], { seed: 13 }));
  });
});

describe('slice and pad', () => {
  const x = iota(3, 4); // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]

  it('slice takes the block between starts and ends, like x[s0:e0, s1:e1]', () => {
    expectAllClose(slice(x, [1, 1], [3, 3]), [
      [5, 6],
      [9, 10],
    ]);
    expectAllClose(slice(x, [2]), [[8, 9, 10, 11]]);
    expectAllClose(x.slice([0, 3], [1, 4]), [[3]]);
  });

  it('slice counts negative positions from the end and reads null as the whole axis', () => {
    expectAllClose(slice(x, [-1]), [[8, 9, 10, 11]]);
    expectAllClose(slice(x, [null, -2]), [
      [2, 3],
      [6, 7],
      [10, 11],
    ]);
    expectAllClose(slice(x, [0, 1], [null, -1]), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expectAllClose(slice(x, [-2, null], [-1, null]), [[4, 5, 6, 7]]);
  });

  it('slice clips positions past either end, as Python does', () => {
    expect(slice(x, [-10, -10], [10, 10])).toBe(x);
    expectAllClose(slice(x, [2, 2], [100, 100]), [[10, 11]]);
    expectAllClose(slice(x, [-100, 3]), [[3], [7], [11]]);
  });

  it('slice gives an empty result when the end is not after the start', () => {
    expect(slice(x, [2], [1]).shape).toEqual([0, 4]);
    expect(slice(x, [5]).shape).toEqual([0, 4]);
    expect(slice(x, [null, -1], [null, -3]).shape).toEqual([3, 0]);
    const leaf = randn([3, 4], { seed: 14, requiresGrad: true });
    slice(leaf, [2], [1]).sum().backward();
    expectAllClose(leaf.grad as Tensor, zeros([3, 4]));
  });

  it('slice refuses too many positions and non-integers', () => {
    expect(() => slice(x, [0, 0, 0])).toThrow(AxisError);
    expect(() => slice(x, [0, 0, 0])).toThrow(
      /^slice: got 3 positions for a tensor of 2 axes \(shape \[3, 4\]\)$/,
    );
    expect(() => slice(x, [0], [1, 2, 3])).toThrow(/got 3 positions/);
    expect(() => slice(x, [0.5])).toThrow(ValueError);
    expect(() => slice(x, [0, 1], [1, 2.5])).toThrow(
      /^slice: end 2\.5 on axis 1 is not an integer$/,
    );
  });

  it('pad adds zeros before and after each axis', () => {
    expectAllClose(
      pad(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [
          [1, 0],
          [0, 2],
        ],
      ),
      [
        [0, 0, 0, 0],
        [1, 2, 0, 0],
        [3, 4, 0, 0],
      ],
    );
    expectAllClose(pad(tensor([5]), [[2, 1]]), [0, 0, 5, 0]);
    expect(
      pad(x, [
        [0, 0],
        [0, 0],
      ]),
    ).toBe(x);
    expectAllClose(pad(zeros([0]), [[1, 1]]), [0, 0]);
  });

  it('pad refuses widths that are not one pair of non-negative integers per axis', () => {
    expect(() => pad(x, [[1, 1]])).toThrow(ValueError);
    expect(() => pad(x, [[1, 1]])).toThrow(
      /^pad: expected 2 pairs \[before, after\] of non-negative integers for shape \[3, 4\], got \[\[1,1\]\]$/,
    );
    expect(() =>
      pad(x, [
        [1, 1],
        [-1, 0],
      ]),
    ).toThrow(ValueError);
    expect(() =>
      pad(x, [
        [1, 1],
        [0.5, 0],
      ]),
    ).toThrow(ValueError);
  });

  it('slice and pad are each other’s adjoint', () => {
    expectAdjoint(
      (x) => slice(x, [1, -3], [3, null]),
      (y) =>
        pad(y, [
          [1, 1],
          [2, 0],
        ]),
      [4, 5],
      15,
    );
    expectAdjoint(
      (x) =>
        pad(x, [
          [0, 2],
          [3, 1],
        ]),
      (y) => slice(y, [0, 3], [2, 6]),
      [2, 3],
      17,
    );
  });

  it('compute the gradients, of first and second order', () => {
    const x = randn([4, 5], { seed: 19 });
    checkGradients((x) => slice(x, [1, -3], [3, null]), [x]);
    checkGradients((x) => slice(x, [null, 100], [null, 200]).sum().add(x.sum()), [x]); // an empty slice
    checkGradients(
      (x) =>
        pad(x, [
          [2, 0],
          [1, 3],
        ]),
      [x],
    );
    checkSecondOrder((x) => slice(x, [-2, 1]), x);
    checkSecondOrder(
      (x) =>
        pad(x, [
          [1, 0],
          [0, 1],
        ]),
      randn([2, 3], { seed: 20 }),
    );
  });
});

describe('concat and stack', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = tensor([[5, 6]]);
  const c = tensor([[7], [8]]);

  it('concat joins along an existing axis: 0, 1 or −1', () => {
    expectAllClose(concat([a, b], 0), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expectAllClose(concat([a, c], 1), [
      [1, 2, 7],
      [3, 4, 8],
    ]);
    expectAllClose(concat([c, a, c], -1), [
      [7, 1, 2, 7],
      [8, 3, 4, 8],
    ]);
    expectAllClose(
      concat([tensor([1, 2]), tensor([3]), zeros([0]), tensor([4, 5])]),
      [1, 2, 3, 4, 5],
    );
    expect(concat([a])).toBe(a);
    expectAllClose(a.concat(b), concat([a, b]));
  });

  it('concat names the tensor index and both shapes when sizes differ', () => {
    expect(() => concat([a, a, b], 1)).toThrow(ShapeError);
    expect(() => concat([a, a, b], 1)).toThrow(
      /^concat: tensor 2 has shape \[1, 2\] but tensor 0 has \[2, 2\]; all sizes except axis 1 must agree$/,
    );
    expect(() => concat([a, tensor([1, 2])])).toThrow(
      /tensor 1 has shape \[2\] but tensor 0 has \[2, 2\]/,
    );
    expect(() => concat([a, b], 2)).toThrow(AxisError);
    expect(() => concat([])).toThrow(/^concat: expected at least one tensor$/);
    expect(() => concat([a, b.astype('float32')])).toThrow(DTypeError);
  });

  it('stack joins along a new axis: 0, 1 or −1', () => {
    const p = tensor([1, 2, 3]);
    const q = tensor([4, 5, 6]);
    expectAllClose(stack([p, q]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectAllClose(stack([p, q], 1), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectAllClose(stack([p, q], -1), stack([p, q], 1));
    expect(stack([a, a, a], 1).shape).toEqual([2, 3, 2]);
    expectAllClose(p.stack(q), stack([p, q]));
  });

  it('stack names the tensor index and both shapes when they differ', () => {
    expect(() => stack([a, a, b])).toThrow(ShapeError);
    expect(() => stack([a, a, b])).toThrow(
      /^stack: tensor 2 has shape \[1, 2\] but tensor 0 has \[2, 2\]; all must be equal$/,
    );
    expect(() => stack([a, a], 3)).toThrow(/^stack: axis 3 is out of range/);
    expect(() => stack([])).toThrow(ValueError);
  });

  it('hand each input its own block of the gradient', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3, 4, 5], { requiresGrad: true });
    concat([p, q, p]).backward(tensor([1, 2, 3, 4, 5, 6, 7]));
    expectAllClose(p.grad as Tensor, [1 + 6, 2 + 7]); // p appears twice: its gradients add up
    expectAllClose(q.grad as Tensor, [3, 4, 5]);
  });

  it('compute the gradients, of first and second order', () => {
    const x = randn([2, 3], { seed: 21 });
    const y = randn([2, 1], { seed: 22 });
    const z = randn([2, 3], { seed: 23 });
    checkGradients((x, y, z) => concat([x, y, z], -1), [x, y, z]);
    checkGradients((x, z) => concat([x, z], 0), [x, z]);
    checkGradients((x, z) => stack([x, z, x], 1), [x, z]);
    checkSecondOrder((x) => concat([x, y, x], 1), x);
    checkSecondOrder((x) => stack([z, x], -1), x);
  });
});

describe('gather and scatterAdd', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);

  it('gather picks rows (or slices along an axis) by index', () => {
    expectAllClose(gather(x, [2, 0]), [
      [5, 6],
      [1, 2],
    ]);
    expectAllClose(gather(x, [1, 1, 0]), [
      [3, 4],
      [3, 4],
      [1, 2],
    ]);
    expectAllClose(gather(x, [1], 1), [[2], [4], [6]]);
    expectAllClose(gather(x, [-1, -3]), gather(x, [2, 0]));
    expectAllClose(gather(x, tensor([2, 1])), gather(x, [2, 1]));
    expectAllClose(gather(x, Int32Array.from([0])), [[1, 2]]);
    expect(gather(x, []).shape).toEqual([0, 2]);
    expectAllClose(x.gather([0, -1], -1), x);
  });

  it('gather names the index, its position and the axis size when out of range', () => {
    expect(() => gather(x, [0, 3])).toThrow(ValueError);
    expect(() => gather(x, [0, 3])).toThrow(
      /^gather: index 3 \(position 1\) is out of range for axis 0 of size 3$/,
    );
    expect(() => gather(x, [-4])).toThrow(/index -4 \(position 0\) is out of range/);
    expect(() => gather(x, [2], 1)).toThrow(/for axis 1 of size 2/);
    expect(() => gather(x, [0.5])).toThrow(/index 0\.5/);
    expect(() => gather(x, [0], 2)).toThrow(AxisError);
  });

  it('scatterAdd adds each slice at its index', () => {
    expectAllClose(scatterAdd(x, [2, 0, 2], 4), [
      [3, 4],
      [0, 0],
      [6, 8],
      [0, 0],
    ]);
    expectAllClose(scatterAdd(x, [-1, 0], 3, 1), [
      [2, 0, 1],
      [4, 0, 3],
      [6, 0, 5],
    ]);
  });

  it('scatterAdd refuses an index count that does not match the axis, or indices out of range', () => {
    expect(() => scatterAdd(x, [0, 1], 4)).toThrow(ShapeError);
    expect(() => scatterAdd(x, [0, 1], 4)).toThrow(
      /^scatterAdd: 2 indices for axis 0 of shape \[3, 2\]; expected 3$/,
    );
    expect(() => scatterAdd(x, [0, 1, 4], 4)).toThrow(
      /^scatterAdd: index 4 \(position 2\) is out of range for axis 0 of size 4$/,
    );
  });

  it('gather accumulates the gradient of repeated indices', () => {
    const leaf = tensor(x, { requiresGrad: true });
    gather(leaf, [1, 1, 0, 1]).backward(
      tensor([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]),
    );
    expectAllClose(leaf.grad as Tensor, [
      [3, 30],
      [1 + 2 + 4, 10 + 20 + 40],
      [0, 0],
    ]);
  });

  it('are each other’s adjoint', () => {
    const indices = [3, 0, 3, -1, 1];
    expectAdjoint(
      (x) => gather(x, indices),
      (y) => scatterAdd(y, indices, 4),
      [4, 3],
      25,
    );
    expectAdjoint(
      (x) => gather(x, [2, 2, 0], 1),
      (y) => scatterAdd(y, [2, 2, 0], 3, 1),
      [2, 3, 2],
      27,
    );
  });

  it('compute the gradients, of first and second order', () => {
    const x = randn([4, 3], { seed: 29 });
    checkGradients((x) => gather(x, [3, 0, 3, -1]), [x]);
    checkGradients((x) => gather(x, [2, 0], -1), [x]);
    checkGradients((x) => scatterAdd(x, [1, 1, 0, 4], 5), [x]);
    checkGradients((x) => scatterAdd(x, [0, 0, 1], 2, 1), [x]);
    checkSecondOrder((x) => gather(x, [1, 1, 3]), x);
    checkSecondOrder((x) => scatterAdd(x, [2, 0, 2, 2], 3), x);
  });
});
