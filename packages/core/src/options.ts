// Option objects: every public function that takes one refuses names it does not know, so a
// misspelled option (`{ requiresgrad: true }`) is an error, not a silently ignored default.
import { echo, echoValue } from './echo.js';
import { ValueError } from './errors.js';

/**
 * Refuses `options` unless it is undefined or a plain object whose every key is in `known`:
 * `zeros: unknown option "dtpye" (did you mean "dtype"?); it takes dtype, requiresGrad`
 * (`taker` replaces "it": `SGD: unknown option "lR" (did you mean "lr"?); SGD takes lr, …`).
 * Public for libraries built on core (layers and optim use it), so every package words it alike.
 * @example
 * try {
 *   checkOptions('MLP', { inputs: 2, hiden: [3] }, ['inputs', 'hidden', 'activation'], 'MLP');
 * } catch (error) {
 *   console.log((error as Error).message); // → MLP: unknown option "hiden" (did you mean "hidden"?); MLP takes inputs, hidden, activation
 * }
 */
export function checkOptions(
  where: string,
  options: unknown,
  known: readonly string[],
  taker = 'it',
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${where}: options must be an object, got ${echoValue(options)}`);
  }
  for (const key in options) {
    if (!Object.hasOwn(options, key) || known.includes(key)) continue;
    const near = closest(key, known);
    const hint = near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
    throw new ValueError(
      `${where}: unknown option ${echo(key)}${hint}; ${taker} takes ${known.join(', ')}`,
    );
  }
}

/** The known name nearest to `key` by edit distance, if it is near enough to be a likely typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const k = key.slice(0, 64).toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const d = editDistance(k, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  // a third of the name may be wrong: "activaton" → "activation", but "foo" suggests nothing
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3))
    ? best
    : undefined;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment): insertions, deletions,
 * substitutions and swaps of two neighbours cost 1 each, so the typo "dtpye" is 1 from "dtype".
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The names of O's options, from a table the compiler holds to O's keys (none missing, none
 * extra), as in optim: `optionNames<GraphOptions>({ values: true, grads: true, maxElements: true })`.
 */
export function optionNames<O>(names: { [K in keyof O]-?: true }): readonly string[] {
  return Object.keys(names);
}
