// defineOp: how a user adds an op with its own derivative, on the same footing as the built-ins.
import { GradError, ValueError } from '../errors.js';
import { checkOptions, optionNames } from '../options.js';
import { bindComposite } from '../primitive.js';
import { currentRecording } from '../recording.js';
import { Tensor, type TensorLike, toTensor } from '../tensor.js';

/** What `defineOp` takes: an op's name, its forward computation and its vector–Jacobian product. */
export interface OpDefinition {
  /** Shown in errors, `toString`, `toDot` and `toMermaid`. */
  name: string;
  /** Computes the output from the inputs. Runs with graph recording off. */
  forward: (...inputs: Tensor[]) => Tensor;
  /**
   * The vector–Jacobian product: given `g` = ∂L/∂output, returns ∂L/∂input for each input (or
   * `null` for an input that gets no gradient). Write it with tensor ops and it can itself be
   * differentiated (`grad(grad(f))`).
   */
  vjp: (g: Tensor, inputs: Tensor[], output: Tensor) => Tensor | null | readonly (Tensor | null)[];
}

const DEFINITION_KEYS = optionNames<OpDefinition>({ name: true, forward: true, vjp: true });

/**
 * Makes a new differentiable op from a forward function and its derivative.
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   forward: (x) => x.mul(x).mul(x),
 *   vjp: (g, [x]) => g.mul(x.square().mul(3)), // (x³)' = 3x²
 * });
 * const x = tensor([2], { requiresGrad: true });
 * cube(x).sum().backward();
 * console.log(x.grad?.item()); // → 12
 */
export function defineOp(definition: OpDefinition): (...inputs: TensorLike[]) => Tensor {
  checkOptions('defineOp', definition, DEFINITION_KEYS);
  const { name, forward, vjp } = definition;
  if (typeof name !== 'string' || name === '')
    throw new ValueError('defineOp: name must be a non-empty string');
  if (typeof forward !== 'function' || typeof vjp !== 'function') {
    throw new ValueError(`defineOp(${name}): forward and vjp must both be functions`);
  }
  return (...args) => {
    const inputs = args.map((a) => toTensor(a));
    return bindComposite(
      name,
      inputs,
      () => checkForward(name, inputs, forward(...inputs)),
      (g, output) => {
        const r = vjp(g, inputs, output);
        const list = Array.isArray(r) ? r : [r];
        list.forEach((gi, i) => {
          // undefined is refused too: it is usually a forgotten `return`, which would silently give no gradient
          if (gi !== null && !(gi instanceof Tensor)) {
            throw new GradError(
              `${name}: vjp returned ${gi === undefined ? 'undefined' : typeof gi} for input ${i}; expected a Tensor or null`,
            );
          }
        });
        return list as (Tensor | null)[];
      },
    );
  };
}

/** What a user's forward returned must be a tensor, made by backprop's ops if compile is recording. */
function checkForward(name: string, inputs: readonly Tensor[], result: unknown): Tensor {
  if (!(result instanceof Tensor))
    throw new ValueError(`${name}: forward must return a Tensor, got ${typeof result}`);
  const r = currentRecording();
  if (r !== null && !r.written.has(result.data) && !inputs.some((x) => x.data === result.data)) {
    throw new ValueError(
      `${name}: inside a compiled function, forward must compute its output with backprop's ops; this ` +
        'one made its values some other way (a loop over .data?), which compile cannot replay',
    );
  }
  return result;
}
