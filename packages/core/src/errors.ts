// Error classes thrown by backprop. Every message says what was expected, what came, and where.

/** Base class of every error backprop throws on purpose. */
export class BackpropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: broadcasting, matmul, reshape, concat, a gradient of the wrong shape. */
export class ShapeError extends BackpropError {}

/** An axis outside a tensor's dimensions, or one given twice. */
export class AxisError extends BackpropError {}

/** Tensors of different dtypes mixed without a cast, or an unknown dtype. */
export class DTypeError extends BackpropError {}

/** A value that cannot be used: a non-number in `tensor()`, a bad option, an index out of range. */
export class ValueError extends BackpropError {}

/** Misuse of autodiff: backward() on a non-scalar without a seed, a tensor that needs no gradient. */
export class GradError extends BackpropError {}

/** Debug mode found NaN or ±Infinity; the message names the op and where it was created. */
export class NonFiniteError extends BackpropError {}
