// Loading is linear in the document's size. Timing would depend on the machine, so this counts
// work instead: the elements that linear searches (includes, indexOf, find, some, …) look through
// while a document loads. A lookup of each key in a list of all keys makes that count quadratic.
import { afterEach, describe, expect, it } from 'vitest';
import { fromJSON, Linear, MLP, Sequential, toJSON } from './index.js';

const SEARCHES = ['includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'some'] as const;
const originals = SEARCHES.map((name) => [name, Array.prototype[name]] as const);

afterEach(() => {
  for (const [name, fn] of originals) Object.assign(Array.prototype, { [name]: fn });
});

/** The elements of the arrays searched during `fromJSON(doc)`, summed over every search. */
function elementsSearched(doc: unknown): number {
  let count = 0;
  for (const [name, fn] of originals) {
    Object.assign(Array.prototype, {
      [name](this: unknown[], ...args: unknown[]) {
        count += this.length;
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  }
  try {
    fromJSON(doc);
  } finally {
    for (const [name, fn] of originals) Object.assign(Array.prototype, { [name]: fn });
  }
  return count;
}

const sequential = (n: number) =>
  toJSON(new Sequential(...Array.from({ length: n }, (_, i) => new Linear(1, 1, { seed: i }))));
const mlp = (n: number) =>
  toJSON(new MLP({ inputs: 1, hidden: Array(n).fill(1), outputs: 1, seed: 0 }));

describe('loading is linear in the number of parameters', () => {
  // n → 4n: linear work grows 4×, quadratic 16×; 6× leaves room for constant terms
  it.each([
    ['a Sequential of n Linear(1, 1)', sequential],
    ['an MLP with n hidden layers', mlp],
  ])('%s: 4× the layers, at most 6× the elements searched', (_, make) => {
    const small = elementsSearched(make(500));
    const large = elementsSearched(make(2000));
    expect(large).toBeLessThanOrEqual(6 * Math.max(small, 1));
  });
});
