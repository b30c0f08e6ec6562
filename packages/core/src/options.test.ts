import { describe, expect, it } from 'vitest';
import {
  arange,
  backward,
  checkOptions,
  compile,
  defineOp,
  eye,
  full,
  grad,
  gradcheck,
  gradients,
  linspace,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  toDot,
  toMermaid,
  ValueError,
  valueAndGrad,
  zeros,
  zerosLike,
} from './index.js';
import { closest, editDistance } from './options.js';

// Every public function of core that takes an options object, called with one misspelled key.
// `where` is the name the error must start with; `typo` and `meant` the wrong and the right name.
const leaf = () => tensor([1, 2], { requiresGrad: true });
const square = (x: ReturnType<typeof tensor>) => x.square().sum();
// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid
const bad = (o: unknown): any => o;
const cases: [where: string, typo: string, meant: string, call: (o: unknown) => unknown][] = [
  [
    'tensor()',
    'requiresgrad',
    'requiresGrad',
    (o) => tensor([1], bad({ requiresgrad: true, ...(o as object) })),
  ],
  ['zeros', 'dtpye', 'dtype', (o) => zeros([2], bad(o))],
  ['ones', 'dtpye', 'dtype', (o) => ones([2], bad(o))],
  ['full', 'requiresGrd', 'requiresGrad', (o) => full([2], 3, bad(o))],
  ['arange', 'dtpye', 'dtype', (o) => arange(0, 3, 1, bad(o))],
  ['linspace', 'dtpye', 'dtype', (o) => linspace(0, 1, 3, bad(o))],
  ['eye', 'dtpye', 'dtype', (o) => eye(2, 2, bad(o))],
  ['rand', 'sead', 'seed', (o) => rand([2], bad(o))],
  ['randn', 'generater', 'generator', (o) => randn([2], bad(o))],
  ['zerosLike', 'dtpye', 'dtype', (o) => zerosLike(zeros([2]), bad(o))],
  ['onesLike', 'dtpye', 'dtype', (o) => onesLike(zeros([2]), bad(o))],
  ['compile', 'maxTrace', 'maxTraces', (o) => compile(square, bad(o))],
  ['gradcheck', 'atoll', 'atol', (o) => gradcheck(square, [[1, 2]], bad(o))],
  ['toDot', 'value', 'values', (o) => toDot(square(leaf()), bad(o))],
  ['toMermaid', 'maxElement', 'maxElements', (o) => toMermaid(square(leaf()), bad(o))],
  ['grad', 'argnum', 'argnums', (o) => grad(square, bad(o))],
  ['valueAndGrad', 'argnum', 'argnums', (o) => valueAndGrad(square, bad(o))],
  ['backward()', 'creatGraph', 'createGraph', (o) => backward(square(leaf()), undefined, bad(o))],
  ['backward()', 'create_graph', 'createGraph', (o) => square(leaf()).backward(undefined, bad(o))],
  [
    'gradients()',
    'gradOutput',
    'gradOutputs',
    (o) => gradients([square(leaf())], [leaf()], bad(o)),
  ],
  [
    'defineOp',
    'foward',
    'forward',
    (o) => defineOp(bad({ name: 'f', vjp: (g: unknown) => g, ...(o as object) })),
  ],
];

describe('options: unknown keys are refused, naming the closest known one', () => {
  it.each(cases)('%s refuses %s and suggests %s', (where, typo, meant, call) => {
    const options = { [typo]: 1 };
    let error: unknown;
    try {
      call(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValueError);
    const message = (error as Error).message;
    expect(
      message.startsWith(
        `${where}: unknown option "${typo}" (did you mean "${meant}"?); it takes `,
      ),
    ).toBe(true);
    expect(message).toContain(meant); // the list of known names follows
  });

  it('refuses options that are not an object', () => {
    expect(() => zeros([2], bad(null))).toThrow('zeros: options must be an object, got null');
    expect(() => zeros([2], 'float32' as never)).toThrow(
      'zeros: options must be an object, got "float32"',
    );
  });

  it('keeps accepting every known option, and undefined', () => {
    expect(
      tensor([1], { dtype: 'float32', requiresGrad: true, shape: [1], allowNonFinite: true }).dtype,
    ).toBe('float32');
    expect(rand([2], { seed: 1, dtype: 'float32', requiresGrad: false }).shape).toEqual([2]);
    expect(zeros([2], undefined).size).toBe(2);
    expect(gradcheck(square, [[1, 2]], { eps: 1e-6, atol: 1e-5, rtol: 1e-3, raise: true }).ok).toBe(
      true,
    );
  });

  it('suggests nothing when no known name is near, and truncates a long key', () => {
    expect(() => zeros([2], bad({ foo: 1 }))).toThrow(
      'zeros: unknown option "foo"; it takes dtype, requiresGrad',
    );
    const long = 'x'.repeat(100_000);
    let message = '';
    try {
      zeros([2], bad({ [long]: 1 }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('(100000 characters)');
  });

  it('is public for libraries built on core, with an optional name for the taker', () => {
    expect(() => checkOptions('SGD', { lR: 1 }, ['lr', 'momentum'], 'SGD')).toThrow(
      'SGD: unknown option "lR" (did you mean "lr"?); SGD takes lr, momentum',
    );
    expect(() => checkOptions('f', { lr: 1 }, ['lr'])).not.toThrow();
    expect(() => checkOptions('f', undefined, ['lr'])).not.toThrow();
  });

  it('measures edit distance with transpositions (optimal string alignment)', () => {
    // textbook values: kitten → sitting is 3, flaw → lawn is 2; OSA counts a swap once and
    // gives ca → abc 3 (true Damerau–Levenshtein would give 2)
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('dtpye', 'dtype')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(closest('activaton', ['activation', 'lr'])).toBe('activation');
    expect(closest('REQUIRESGRAD', ['dtype', 'requiresGrad'])).toBe('requiresGrad');
  });
});
