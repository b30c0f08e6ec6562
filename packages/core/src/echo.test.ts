// echo, echoValue and echoList: how every error of the library quotes input, cut to a readable length.
import { describe, expect, it } from 'vitest';
import { echo, echoList, echoValue, zeros } from './index.js';

describe('echo', () => {
  it('shows short input whole and cuts long input after 60 characters, saying its length', () => {
    expect(echo('a"b')).toBe('"a\\"b"');
    expect(echo('name', "'")).toBe("'name'");
    expect(echo('y'.repeat(61))).toBe(`"${'y'.repeat(60)}"… (61 characters)`);
    // 59 letters then an emoji (a surrogate pair): the cut does not split the pair.
    expect(echo(`${'y'.repeat(59)}😀z`)).toBe(`"${'y'.repeat(59)}"… (62 characters)`);
  });

  it('lists the first 10 items, then how many', () => {
    expect(echoList(['a', 'b'], 'columns', "'")).toBe("'a', 'b'");
    const many = Array.from({ length: 12 }, (_, i) => `c${i}`);
    expect(echoList(many, 'columns', "'")).toBe(
      "'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', … (12 columns)",
    );
  });

  it('names values that are not strings', () => {
    const values = [null, undefined, 3, true, 2n, {}, Object.create(null), [1, 2], () => 0];
    expect(values.map(echoValue)).toEqual([
      'null',
      'undefined',
      '3',
      'true',
      '2n',
      'an object',
      'an object',
      'an array of length 2',
      'a function',
    ]);
    expect([new Map(), new Int8Array(2), zeros([2, 3])].map(echoValue)).toEqual([
      'a Map',
      'an Int8Array',
      'a tensor of shape [2, 3]',
    ]);
  });
});
