// The READMEs list the ops by family; every public op must be in both lists, so a new op that
// someone forgets to document fails here, naming it.
import { describe, expect, it } from 'vitest';
import rootReadme from '../../../README.md?raw';
import coreReadme from '../README.md?raw';
import { PUBLIC_OPS } from '../test/public-ops.js';

/** The op names written as code (`exp`, `clamp(x, min, max)`, `neg exp log`) in `text`. */
function codeWords(text: string): Set<string> {
  const words = new Set<string>();
  const prose = text.replace(/```[\s\S]*?```/g, ''); // fenced blocks are examples, not lists
  for (const [, code] of prose.matchAll(/`([^`]+)`/g)) {
    for (const w of (code as string).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) words.add(w);
  }
  return words;
}

describe('the READMEs list every public op', () => {
  it.each([
    ['README.md (Features, @backprop/core)', rootReadme],
    ['packages/core/README.md (the table of ops)', coreReadme],
  ])('%s', (where, text) => {
    const words = codeWords(text);
    expect(
      PUBLIC_OPS.filter((op) => !words.has(op)),
      `public ops missing from ${where}: add each to its family's line`,
    ).toEqual([]);
  });
});
