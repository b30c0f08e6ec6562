// The READMEs list the ops by family; every public op must be in both lists, so a new op that
// someone forgets to document fails here, naming it.
import { describe, expect, it } from 'vitest';
import rootReadme from '../../../README.md?raw';
import coreReadme from '../README.md?raw';
import { PUBLIC_OPS } from '../test/public-ops.js';

/** The op names written as code (`exp`, `clamp(x, min, max)`, `neg exp log`) in `text`. */
function codeWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`]+)`/g)) {
    for (const w of (code as string).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) words.add(w);
  }
  return words;
}

/** The part of `text` from the line holding `from` up to the next line holding `to`. */
function section(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start + from.length);
  expect(start, `the README no longer has ${JSON.stringify(from)}`).toBeGreaterThanOrEqual(0);
  expect(end, `the README no longer has ${JSON.stringify(to)} after it`).toBeGreaterThan(start);
  return text.slice(start, end);
}

describe('the READMEs list every public op', () => {
  it.each([
    [
      'README.md (Features: Ops, each with its derivative)',
      rootReadme,
      '**Ops, each',
      '**Autodiff**',
    ],
    ['packages/core/README.md (the table of ops)', coreReadme, '| Family', 'Conventions at kinks'],
  ])('%s', (where, text, from, to) => {
    const words = codeWords(section(text, from, to));
    expect(
      PUBLIC_OPS.filter((op) => !words.has(op)),
      `public ops missing from ${where}: add each to its family's line`,
    ).toEqual([]);
  });
});
