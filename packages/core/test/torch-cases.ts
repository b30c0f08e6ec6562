// The expressions of fixtures/torch_reference.py, in backprop, by case name: the PyTorch
// reference test runs them for values and gradients, the forward-mode and vmap tests for tangents
// and batches (fixtures/torch_transforms.py draws its tangents and batches for the same cases).
import { concat, linear, stack, type Tensor, tensor, where } from '../src/index.js';

export type Expr = (...xs: Tensor[]) => Tensor;

/** The PyTorch expressions of torch_reference.py, in backprop. Inputs in the fixture's order. */
export const cases: Record<string, Expr> = {
  // elementwise binary ops with broadcasting across different ranks
  add_broadcast: (a, b) => a.add(b),
  sub_broadcast: (a, b) => a.sub(b),
  mul_broadcast_scalar: (a, b, c) => a.mul(b).mul(c),
  div_broadcast: (a, b) => a.div(b),
  pow_tensor_exponent: (a, b) => a.pow(b),
  pow_number_exponent: (a, b) => a.pow(3).add(b.pow(-1.5)).add(b.pow(0.5)),
  maximum_minimum: (a, b, c) => a.maximum(b).mul(2).add(a.minimum(c)),
  where_broadcast: (a, b) => where(a.gt(0), a.mul(b), b.exp()),

  // every unary op
  unary_neg: (x) => x.neg(),
  unary_exp: (x) => x.exp(),
  unary_log: (x) => x.log(),
  unary_log1p: (x) => x.log1p(),
  unary_sqrt: (x) => x.sqrt(),
  unary_erf: (x) => x.erf(),
  unary_abs: (x) => x.abs(),
  unary_sin: (x) => x.sin(),
  unary_cos: (x) => x.cos(),
  unary_tanh: (x) => x.tanh(),
  unary_sigmoid: (x) => x.sigmoid(),
  unary_relu: (x) => x.relu(),
  unary_square: (x) => x.square(),
  unary_reciprocal: (x) => x.reciprocal(),
  unary_clamp: (x) => x.clamp(-0.5, 0.7),
  unary_1d_chain: (x) => x.log1p().sqrt().mul(x.sin()),

  // reductions
  sum_axes: (x) => x.sum([0, 2]),
  sum_keepdim: (x) => x.sum(1, true).mul(x),
  mean_axis_and_all: (x) => x.mean(-1, true).sub(x.mean()),
  max_axis: (x) => x.max(1),
  min_axes_keepdim: (x) => x.min([0, 2], true),
  max_all: (x) => x.max(),
  logsumexp_axis: (x) => x.logsumexp(1),
  logsumexp_large_keepdim: (x) => x.logsumexp(-1, true).mul(x),

  // softmax / logSoftmax
  softmax_last: (x) => x.softmax(-1),
  softmax_axis0_3d: (x) => x.softmax(0),
  softmax_1d: (x) => x.softmax(0),
  log_softmax_axis1_3d: (x) => x.logSoftmax(1),
  softmax_large: (x) => x.softmax(-1),
  log_softmax_large_axis0: (x) => x.logSoftmax(0),

  // shape ops
  transpose_reshape: (x, w) => x.transpose([2, 0, 1]).reshape(4, 6).mul(w).add(x.reshape(6, 4).T),
  slice: (x) => x.slice([1, null, -2], [3, null, null]),
  concat_stack: (a, b, c) => stack([concat([a, b], 1), c.sin()], -1),
  gather_index_select: (x) => x.gather([2, 0, 2, 1], 0).mul(x.gather([1, 1, 0], 1).sum()),
  squeeze_unsqueeze_broadcast_to_pad: (x, w) =>
    x
      .squeeze(1)
      .unsqueeze(0)
      .broadcastTo([2, 3, 2])
      .mul(w)
      .pad([
        [0, 0],
        [0, 2],
        [1, 0],
      ]),

  // matmul
  matmul_2d: (a, b) => a.matmul(b),
  matmul_vec_mat: (v, b) => v.matmul(b),
  matmul_mat_vec: (a, v) => a.matmul(v),
  matmul_dot: (u, v) => u.matmul(v),
  matmul_batched_broadcast: (a, b) => a.matmul(b),

  // scalar functions with a Hessian–vector product
  hvp_exp: (x, w) => x.mul(0.7).exp().mul(w).sum(),
  hvp_sigmoid: (x, w) => x.sigmoid().mul(w).sum(),
  hvp_tanh: (x, a) => a.matmul(x).tanh().square().sum(),
  hvp_softmax: (x, w) => x.softmax(-1).mul(w).sum(),
  hvp_log_softmax: (x, t) => x.logSoftmax(1).mul(t).sum().neg(),
  hvp_logsumexp: (x) => x.logsumexp(0).square().sum(),
  hvp_matmul_chain: (w1, x, w2) => x.matmul(w1).sigmoid().matmul(w2).square().mean(),
  hvp_pow_div_log: (x, y) => x.pow(y).div(x.log1p()).add(x.sqrt().mul(y)).sum(),
  hvp_erf: (x) => x.erf().square().sum(),
  linear_bias: (x, w, b) => linear(x, w, b),
  linear_3d_no_bias: (x, w) => linear(x, w),
  scatter_add_index_add: (x) => x.scatterAdd([1, 0, 1, 1], 2, 0),
  sum_to_broadcast_axes: (x) => x.sumTo([1, 3]),

  // a small MLP: x·W1 + b1 → tanh → ·W2 + b2 → logSoftmax → mean negative log-likelihood
  mlp_nll: (w1, x, b1, w2, b2, t) => {
    const h = x.matmul(w1).add(b1).tanh();
    const logp = h.matmul(w2).add(b2).logSoftmax(-1);
    return logp
      .mul(t)
      .sum()
      .neg()
      .div(x.shape[0] as number);
  },

  // the lecture's network (bpnn-lecture p. 5, eqs. 1–4; error from p. 10)
  lecture_bpnn: (w0, x, w1, y) => {
    const xt = concat([tensor([1]), x]); // x₀ = 1
    const z = xt.matmul(w0).sigmoid(); // eqs. 1 and 3
    const zt = concat([tensor([1]), z]); // z₀ = 1
    const yE = zt.matmul(w1); // eq. 4
    return yE.sub(y).square().mul(0.5); // E = ½(y_E − y)²
  },
};
