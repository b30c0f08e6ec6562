// The Optimizer base: parameter groups with their own options, the step loop over parameters that
// have a gradient, zeroGrad, and checkpoints (state / loadState). Each algorithm only writes `update`.
import {
  checkOptions as checkKnownOptions,
  echo,
  echoValue,
  GradError,
  isCompiling,
  ShapeError,
  Tensor,
  type TypedArray,
  ValueError,
} from '@backprop/core';

/** An option's value: every optimiser option is a number, a boolean or a pair of numbers. */
export type OptionValue = number | boolean | readonly number[];

/** A parameter group as given to a constructor: its parameters and options overriding the defaults. */
export type ParamGroupSpec<O> = {
  /** The group's parameters. */
  params: readonly Tensor[];
} & Partial<O>;

/** What an optimiser is constructed with: a list of parameters or a list of parameter groups. */
export type Params<O> = readonly Tensor[] | readonly ParamGroupSpec<O>[];

/**
 * A parameter group with every option resolved. The options are mutable: a learning-rate schedule
 * sets `lr`, and a user may change any option between steps.
 */
export type ParamGroup<O> = O & {
  /** The group's parameters. */
  readonly params: readonly Tensor[];
};

/** What an optimiser keeps per parameter: its number of updates and its buffers (momentum, …). */
export interface ParamState {
  /** How many updates the parameter has had. */
  step: number;
  /** Buffers of the parameter's size and dtype, created by the first update that needs them. */
  buffers: Record<string, TypedArray>;
}

/**
 * A JSON-able snapshot of an optimiser: its class name, each group's options and parameter
 * indices (counted across groups, in order), and per parameter (by that index) its shape, step
 * count and buffers, or `null` for a parameter never updated.
 */
export interface OptimizerState {
  /** The optimiser's class name; `loadState` refuses a snapshot of another. */
  optimizer: string;
  /** Each group's options, and its parameters as indices into `state`. */
  paramGroups: ({
    /** The group's parameters, by index. */
    params: number[];
  } & Record<string, OptionValue | number[]>)[];
  /** Per parameter, by index: what the optimiser keeps, or null if it was never updated. */
  state: ({
    /** The parameter's shape (checked on load). */
    shape: number[];
    /** Its number of updates. */
    step: number;
    /** Its buffers, by name, as plain numbers. */
    buffers: Record<string, number[]>;
  } | null)[];
}

/** The defaults of every option; `undefined` marks a required one (SGD's `lr`). */
export type Defaults<O> = { [K in keyof O]-?: O[K] | undefined };

/** What an algorithm tells the base class. */
export interface OptimizerSpec<O> {
  /** The class name, used in errors and snapshots. */
  name: string;
  /** Every option's default (`undefined` for a required one). */
  defaults: Defaults<O>;
  /** The names of the per-parameter buffers it may create (checked by `loadState`). */
  buffers: readonly string[];
  /** Throws a ValueError for a bad option. `where` starts the message ("SGD", "SGD group 1"). */
  check(options: O, where: string, lrMayBeZero: boolean): void;
}

/**
 * The base of every optimiser. Optimisers **mutate parameters in place**: `step()` writes the
 * update into each parameter's `data` (its typed array), as PyTorch's optimisers do, so the
 * tensors a model holds are updated without recording any graph. float32 parameters stay float32:
 * their buffers are float32 too, and every stored value is rounded to float32.
 */
export abstract class Optimizer<
  O extends {
    /** The learning rate, which every optimiser has. */
    lr: number;
  } = {
    /** The learning rate. */
    lr: number;
  },
> {
  /** The groups of parameters, each with its own options (`lr` is what schedules change). */
  readonly paramGroups: ParamGroup<O>[];
  /** The options a group gets where it does not give its own. */
  readonly defaults: Readonly<O>;
  private readonly spec: OptimizerSpec<O>;
  /** "SGD.step()": what a one-group step's errors start with, made once. */
  private readonly stepWhere: string;
  private stateOf = new Map<Tensor, ParamState>();
  /** The option names, and each group's values when `step` last checked them. */
  private readonly optionKeys: readonly string[];
  private checked: (OptionValue[] | undefined)[] = [];
  /** stateOf's entries by group and position, as `step` finds them without hashing every step. */
  private states: (ParamState | undefined)[][] = [];

  protected constructor(params: Params<O>, options: Partial<O>, spec: OptimizerSpec<O>) {
    this.spec = spec;
    this.optionKeys = Object.keys(spec.defaults);
    const name = spec.name;
    this.stepWhere = `${name}.step()`;
    checkOptions(name, options, Object.keys(spec.defaults), name);
    const defaults = {
      ...definedEntries(spec.defaults as Partial<O>),
      ...definedEntries(options),
    } as Defaults<O>;
    this.defaults = Object.freeze(defaults as O);
    if (!Array.isArray(params)) {
      throw new ValueError(
        `${name}: expected an array of parameters (tensors) or of parameter groups ({ params, ...options }), got ${echoValue(params)}`,
      );
    }
    if (params.length === 0) throw new ValueError(`${name}: got an empty list of parameters`);
    const specs: readonly ParamGroupSpec<O>[] = params.every((p) => p instanceof Tensor)
      ? [{ params: params as readonly Tensor[] } as ParamGroupSpec<O>]
      : (params as readonly ParamGroupSpec<O>[]);
    const grouped = !(params[0] instanceof Tensor);
    const seen = new Map<Tensor, string>();
    let index = 0;
    this.paramGroups = specs.map((g, gi) => {
      const where = grouped ? `${name} group ${gi}` : name;
      if (g === null || typeof g !== 'object' || g instanceof Tensor || !Array.isArray(g.params)) {
        throw new ValueError(
          `${name}: element ${gi} of the parameter list is ${echoValue(g)}; expected either only tensors or only groups { params: Tensor[], ...options }`,
        );
      }
      const { params: groupParams, ...groupOptions } = g;
      checkOptions(where, groupOptions, Object.keys(spec.defaults), name);
      if (groupParams.length === 0) throw new ValueError(`${where}: the group has no parameters`);
      const resolved = {
        ...definedEntries(defaults as Partial<O>),
        ...definedEntries(groupOptions as unknown as Partial<O>),
      };
      for (const key of Object.keys(spec.defaults)) {
        if ((resolved as Record<string, unknown>)[key] === undefined) {
          throw new ValueError(`${where}: option ${key} is required`);
        }
      }
      spec.check(resolved as O, where, false);
      groupParams.forEach((p, pi) => {
        const label = grouped ? `parameter ${index} (group ${gi}, index ${pi})` : `parameter ${pi}`;
        if (!(p instanceof Tensor)) {
          throw new ValueError(`${name}: ${label} is ${echoValue(p)}, not a tensor`);
        }
        if (!p.requiresGrad) {
          throw new GradError(
            `${name}: ${label} (shape [${p.shape.join(', ')}]) does not require grad; create it with { requiresGrad: true } or leave it out`,
          );
        }
        if (!p.isLeaf) {
          throw new GradError(
            `${name}: ${label} was computed by ${p.op}; only leaf tensors can be optimised (parameters are leaves)`,
          );
        }
        const before = seen.get(p);
        if (before !== undefined) {
          throw new ValueError(
            `${name}: ${label} is the same tensor as ${before}; give each parameter once`,
          );
        }
        seen.set(p, label);
        index++;
      });
      return { ...resolved, params: Object.freeze([...groupParams]) } as ParamGroup<O>;
    });
    this.states = this.paramGroups.map(() => []);
  }

  /** Applies one update to every parameter that has a gradient (those with `grad` null are skipped). */
  step(): void {
    refuseWhileCompiling(this.stepWhere);
    const groups = this.paramGroups;
    let index = 0;
    // a plain loop, and the rare work (checks, messages, new states) in methods of its own: a
    // small network's step is a few microseconds, and this runs on every one
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi] as ParamGroup<O>;
      // the options are checked again only when one has changed (a schedule sets lr, say)
      if (!sameOptions(group, this.checked[gi], this.optionKeys)) this.checkGroup(gi);
      const params = group.params;
      const states = this.states[gi] as (ParamState | undefined)[];
      for (let pi = 0; pi < params.length; pi++, index++) {
        const p = params[pi] as Tensor;
        const g = p.grad;
        if (g === null) continue;
        if (!sameShape(g.shape, p.shape)) throw this.misfit(index, p, g);
        const state = states[pi] ?? this.stateFor(gi, pi);
        state.step += 1;
        this.update(p.data, g.data, state, group);
        p.markChanged(); // a graph recorded before this step can no longer be differentiated
      }
    }
  }

  /** Checks group `gi`'s options, and remembers them as checked. */
  private checkGroup(gi: number): void {
    const groups = this.paramGroups;
    const group = groups[gi] as ParamGroup<O>;
    const where = groups.length > 1 ? `${this.spec.name}.step() group ${gi}` : this.stepWhere;
    this.spec.check(group, where, true);
    this.checked[gi] = snapshot(group, this.optionKeys);
  }

  /** The state of parameter `pi` of group `gi`: one that loadState brought, or a new one. */
  private stateFor(gi: number, pi: number): ParamState {
    const p = (this.paramGroups[gi] as ParamGroup<O>).params[pi] as Tensor;
    let state = this.stateOf.get(p);
    if (state === undefined) {
      state = { step: 0, buffers: {} };
      this.stateOf.set(p, state);
    }
    (this.states[gi] as (ParamState | undefined)[])[pi] = state;
    return state;
  }

  private misfit(index: number, p: Tensor, g: Tensor): ShapeError {
    return new ShapeError(
      `${this.spec.name}.step(): parameter ${index} has shape [${p.shape.join(', ')}] but its gradient has shape [${g.shape.join(', ')}]`,
    );
  }

  /**
   * Writes one update of `param` (in place) from its gradient `grad`. `state.step` already counts
   * this update. Create buffers with `buffer()`.
   */
  protected abstract update(
    param: TypedArray,
    grad: TypedArray,
    state: ParamState,
    options: O,
  ): void;

  /** Sets every parameter's `grad` to null, ready for the next backward pass. */
  zeroGrad(): void {
    const groups = this.paramGroups;
    for (let gi = 0; gi < groups.length; gi++) {
      const params = (groups[gi] as ParamGroup<O>).params;
      for (let pi = 0; pi < params.length; pi++) (params[pi] as Tensor).grad = null;
    }
  }

  /** Every parameter, group after group: the order `state()` numbers them in. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => [...g.params]);
  }

  /** A JSON-able snapshot (copies) of the group options and every parameter's buffers. */
  state(): OptimizerState {
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const out: Record<string, OptionValue | number[]> = {};
      for (const [key, value] of Object.entries(options)) {
        out[key] = Array.isArray(value) ? [...value] : (value as OptionValue);
      }
      return { ...out, params: params.map(() => index++) };
    });
    const state = this.params.map((p) => {
      const s = this.stateOf.get(p);
      if (s === undefined) return null;
      const buffers: Record<string, number[]> = {};
      for (const [key, b] of Object.entries(s.buffers)) buffers[key] = Array.from(b);
      return { shape: [...p.shape], step: s.step, buffers };
    });
    return { optimizer: this.spec.name, paramGroups, state };
  }

  /**
   * Restores a snapshot from `state()` of an optimiser of the same class over parameters of the
   * same shapes, in the same groups: the group options (lr included) and every buffer. Checks
   * everything first, so a snapshot that does not fit changes nothing.
   */
  loadState(snapshot: OptimizerState): void {
    const { name } = this.spec;
    const where = `${name}.loadState()`;
    if (snapshot === null || typeof snapshot !== 'object') {
      throw new ValueError(`${where}: expected an object from state(), got ${echoValue(snapshot)}`);
    }
    if (snapshot.optimizer !== name) {
      throw new ValueError(
        `${where}: the snapshot is of ${echoValue(snapshot.optimizer)}, not ${name}`,
      );
    }
    const groups = snapshot.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new ValueError(
        `${where}: the snapshot has ${Array.isArray(groups) ? groups.length : 'no'} parameter group(s); this optimiser has ${this.paramGroups.length}`,
      );
    }
    const newOptions = groups.map((saved, gi) => {
      const own = this.paramGroups[gi] as ParamGroup<O>;
      const count = Array.isArray(saved?.params) ? saved.params.length : 'no';
      if (count !== own.params.length) {
        throw new ValueError(
          `${where}: group ${gi} of the snapshot has ${count} parameter(s); this optimiser's has ${own.params.length}`,
        );
      }
      const { params: _, ...options } = saved;
      checkOptions(`${where} group ${gi}`, options, Object.keys(this.spec.defaults), name);
      const resolved = { ...this.defaults, ...options } as O;
      this.spec.check(resolved, `${where} group ${gi}`, true);
      return resolved;
    });
    const params = this.params;
    if (!Array.isArray(snapshot.state) || snapshot.state.length !== params.length) {
      throw new ValueError(
        `${where}: the snapshot has state for ${Array.isArray(snapshot.state) ? snapshot.state.length : 'no'} parameter(s); this optimiser has ${params.length}`,
      );
    }
    const newState = new Map<Tensor, ParamState>();
    snapshot.state.forEach((saved, i) => {
      const p = params[i] as Tensor;
      if (saved === null) return;
      if (!Array.isArray(saved.shape) || !sameShape(saved.shape, p.shape)) {
        throw new ShapeError(
          `${where}: parameter ${i} has shape [${p.shape.join(', ')}] but the snapshot's has ${Array.isArray(saved.shape) ? `[${saved.shape.join(', ')}]` : 'none'}`,
        );
      }
      if (!Number.isInteger(saved.step) || saved.step < 0) {
        throw new ValueError(
          `${where}: parameter ${i} has step ${saved.step}; expected an integer ≥ 0`,
        );
      }
      const buffers: Record<string, TypedArray> = {};
      for (const [key, values] of Object.entries(saved.buffers ?? {})) {
        if (!this.spec.buffers.includes(key)) {
          throw new ValueError(
            `${where}: parameter ${i} has an unknown buffer ${echo(key)}; ${name} keeps ${this.spec.buffers.join(', ')}`,
          );
        }
        if (!Array.isArray(values) || values.length !== p.size) {
          throw new ShapeError(
            `${where}: buffer ${key} of parameter ${i} has ${Array.isArray(values) ? values.length : 'no'} values; the parameter has ${p.size}`,
          );
        }
        const bad = values.findIndex((v) => typeof v !== 'number' || Number.isNaN(v));
        if (bad >= 0) {
          throw new ValueError(
            `${where}: buffer ${key} of parameter ${i} holds ${echoValue(values[bad])} at index ${bad}; expected numbers`,
          );
        }
        const b = emptyLike(p.data);
        b.set(values);
        buffers[key] = b;
      }
      newState.set(p, { step: saved.step, buffers });
    });
    newOptions.forEach((options, gi) => {
      Object.assign(this.paramGroups[gi] as O, options);
    });
    this.stateOf = newState;
    this.states = this.paramGroups.map(() => []);
  }
}

// ---------------------------------------------------------------- helpers for the algorithms

/** The buffer `key` of `state`, created (zeros, or `fill`) with `like`'s size and dtype if absent. */
export function buffer(state: ParamState, key: string, like: TypedArray, fill = 0): TypedArray {
  let b = state.buffers[key];
  if (b === undefined) {
    b = emptyLike(like);
    if (fill !== 0) b.fill(fill);
    state.buffers[key] = b;
  }
  return b;
}

function emptyLike(like: TypedArray): TypedArray {
  return like instanceof Float32Array
    ? new Float32Array(like.length)
    : new Float64Array(like.length);
}

/** Checks an option is a finite number; returns it. */
export function checkNumber(where: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${where}: ${key} must be a finite number, got ${echoValue(value)}`);
  }
  return value;
}

/** lr > 0 (or ≥ 0 once training runs: a schedule may anneal it to exactly 0). */
export function checkLr(where: string, lr: unknown, mayBeZero: boolean): void {
  const v = checkNumber(where, 'lr', lr);
  if (mayBeZero ? v < 0 : v <= 0) {
    throw new ValueError(`${where}: lr must be ${mayBeZero ? '≥ 0' : '> 0'}, got ${v}`);
  }
}

export function checkPositive(where: string, key: string, value: unknown): void {
  const v = checkNumber(where, key, value);
  if (v <= 0) throw new ValueError(`${where}: ${key} must be > 0, got ${v}`);
}

export function checkNonNegative(where: string, key: string, value: unknown): void {
  const v = checkNumber(where, key, value);
  if (v < 0) throw new ValueError(`${where}: ${key} must be ≥ 0, got ${v}`);
}

/** 0 ≤ value < 1, or ≤ 1 with `closed`. */
export function checkUnit(where: string, key: string, value: unknown, closed = false): void {
  const v = checkNumber(where, key, value);
  if (v < 0 || (closed ? v > 1 : v >= 1)) {
    throw new ValueError(`${where}: ${key} must be in [0, 1${closed ? ']' : ')'}, got ${v}`);
  }
}

/** Checks an option is true or false; returns it. */
export function checkBoolean(where: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ValueError(`${where}: ${key} must be true or false, got ${echoValue(value)}`);
  }
  return value;
}

/**
 * Updates in place (a step, clipping) are plain loops that core's `compile` cannot replay: inside a
 * function it traces they would run once and never again, so they refuse.
 */
export function refuseWhileCompiling(where: string): void {
  if (isCompiling()) {
    throw new ValueError(
      `${where} inside a compiled function: it changes arrays in place, which compile cannot replay; ` +
        'call it after the compiled function returns',
    );
  }
}

/**
 * Refuses options that are not an object or that hold a name not in `known`, naming the closest
 * known one and listing them all: `StepLR: unknown option "stepsize" (did you mean "stepSize"?);
 * it takes stepSize, gamma` (`taker` replaces "it"). The names are core's `checkOptions`, so every
 * package words it alike; undefined is refused here, where a caller must give an object.
 */
export function checkOptions(
  where: string,
  options: unknown,
  known: readonly string[],
  taker = 'it',
): void {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${where}: options must be an object, got ${echoValue(options)}`);
  }
  checkKnownOptions(where, options, known, taker);
}

/**
 * The names of O's options, from a table the compiler holds to O's keys (none missing, none
 * extra): `optionNames<StepLROptions>({ stepSize: true, gamma: true })`.
 */
export function optionNames<O>(names: { [K in keyof O]-?: true }): string[] {
  return Object.keys(names);
}

/**
 * The entries whose value is not undefined (so `{ momentum: undefined }` keeps the default), with
 * arrays copied (so groups never share a `betas`).
 */
export function definedEntries<O>(options: Partial<O>): Partial<O> {
  return Object.fromEntries(
    Object.entries(options)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
  ) as Partial<O>;
}

/** The values of `keys` in `group`, arrays copied (a user may change one in place). */
function snapshot(group: object, keys: readonly string[]): OptionValue[] {
  const values = group as Record<string, OptionValue>;
  return keys.map((key) => {
    const v = values[key] as OptionValue;
    return Array.isArray(v) ? [...v] : v;
  });
}

/** Whether `group` still has the option values of `last` (its snapshot), element by element. */
function sameOptions(
  group: object,
  last: OptionValue[] | undefined,
  keys: readonly string[],
): boolean {
  if (last === undefined) return false;
  const values = group as Record<string, OptionValue>;
  for (let i = 0; i < keys.length; i++) {
    const v = values[keys[i] as string];
    const w = last[i];
    if (Array.isArray(v)) {
      if (!Array.isArray(w) || !sameShape(v, w as readonly number[])) return false;
    } else if (!Object.is(v, w)) return false;
  }
  return true;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
