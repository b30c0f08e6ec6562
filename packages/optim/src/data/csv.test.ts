import { ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { caught } from '../../test/csv-helpers.js';
import { parseCsv } from './csv.js';

// In every browser and in Node; declared here since this package is checked without DOM or Node types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parseCsv', () => {
  it('reads the header, the features and the last column as the target', () => {
    const d = parseCsv('a,b,y\n1,2,3\n4,5.5,-6e-1\n');
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.targetName).toBe('y');
    expect(d.x.shape).toEqual([2, 2]);
    expect(d.x.dtype).toBe('float64');
    expect(Array.from(d.x.data)).toEqual([1, 2, 4, 5.5]);
    expect(d.y.shape).toEqual([2]);
    expect(Array.from(d.y.data)).toEqual([3, -0.6]);
    expect(d.classes).toBeNull();
  });

  it('picks the target by name or by index, negative from the end', () => {
    const text = 'a,t,b\n1,10,2\n3,30,4\n';
    for (const target of ['t', 1, -2] as const) {
      const d = parseCsv(text, { target });
      expect(d.targetName).toBe('t');
      expect(d.featureNames).toEqual(['a', 'b']);
      expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4]);
      expect(Array.from(d.y.data)).toEqual([10, 30]);
    }
    expect(parseCsv(text, { target: 0 }).featureNames).toEqual(['t', 'b']);
  });

  it('handles CRLF, a lone CR, no trailing newline and blank lines (skipped, still counted)', () => {
    const expected = [1, 2, 3, 4];
    for (const text of [
      'a,y\r\n1,2\r\n3,4\r\n',
      'a,y\r1,2\r3,4',
      'a,y\n1,2\n3,4',
      'a,y\n1,2\n3,4\n\n\n',
      'a,y\r\n1,2\r\n\r\n   \r\n3,4\r\n\r\n',
    ]) {
      const d = parseCsv(text);
      expect([...d.x.data, ...d.y.data].sort()).toEqual(expected);
      expect(d.x.shape).toEqual([2, 1]);
    }
    // Line numbers count the skipped blank lines: 'x' sits on line 5.
    expect(caught(() => parseCsv('a,y\n1,2\n\n\nx,4\n')).line).toBe(5);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks (RFC 4180)', () => {
    const text = '"a,1","say ""hi""",label\r\n1,"2",x\r\n"3",4,"two\r\nlines"\r\n5,6,"y, z"\r\n';
    const d = parseCsv(text);
    expect(d.featureNames).toEqual(['a,1', 'say "hi"']);
    expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.classes).toEqual(['x', 'two\r\nlines', 'y, z']);
    expect(Array.from(d.y.data)).toEqual([0, 1, 2]);
  });

  it('counts the lines inside a quoted field when it reports a later line', () => {
    const e = caught(() => parseCsv('a,y\n1,"multi\nline"\n2\n'));
    expect(e.message).toBe('parseCsv: line 4: expected 2 fields, found 1');
  });

  it('trims spaces around unquoted fields and strips a byte-order mark', () => {
    const d = parseCsv('\uFEFF a , y \n 1 , 2 \n');
    expect(d.featureNames).toEqual(['a']);
    expect(d.targetName).toBe('y');
    expect(Array.from(d.x.data)).toEqual([1]);
  });

  it('takes another delimiter, no header, and float32', () => {
    const d = parseCsv('1;2;3\n4;5;6\n', { delimiter: ';', header: false, dtype: 'float32' });
    expect(d.featureNames).toEqual(['column1', 'column2']);
    expect(d.targetName).toBe('column3');
    expect(d.x.dtype).toBe('float32');
    expect(d.y.dtype).toBe('float32');
    expect(Array.from(d.y.data)).toEqual([3, 6]);
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' }).featureNames).toEqual(['a']);
  });

  it('numbers a text target by first appearance, or by the classes given', () => {
    const text = 'f,species\n1,b\n2,a\n3,b\n4,c\n';
    const d = parseCsv(text);
    expect(d.classes).toEqual(['b', 'a', 'c']);
    expect(Array.from(d.y.data)).toEqual([0, 1, 0, 2]);
    const fixed = parseCsv(text, { classes: ['a', 'b', 'c'] });
    expect(fixed.classes).toEqual(['a', 'b', 'c']);
    expect(Array.from(fixed.y.data)).toEqual([1, 0, 1, 2]);
  });

  it('reads a numeric target as class labels on request', () => {
    const d = parseCsv('f,digit\n1,7\n2,3\n3,7\n', { targetType: 'class' });
    expect(d.classes).toEqual(['7', '3']);
    expect(Array.from(d.y.data)).toEqual([0, 1, 0]);
  });

  it('keeps a numeric target numeric when a later cell is text (a typo is an error, with its line)', () => {
    const e = caught(() => parseCsv('f,y\n1,2.5\n2,3.5\n3,oops\n'));
    expect(e.message).toBe(`parseCsv: line 4, column 'y': "oops" is not a number`);
    expect(e.line).toBe(4);
    expect(e.column).toBe('y');
  });
});

describe('parseCsv errors', () => {
  it('names the line of a ragged row', () => {
    const rows = Array.from({ length: 15 }, (_, i) => `${i},1,2,3,4,5,6,7,8,9,10`);
    const text = `${['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'y'].join(',')}\n${rows.join('\n')}\n1,2,3,4,5,6,7,8,9,10\n`;
    const e = caught(() => parseCsv(text));
    expect(e.message).toBe('parseCsv: line 17: expected 11 fields, found 10');
    expect(e.line).toBe(17);
    expect(() => parseCsv('a,y\n1,2,3\n')).toThrow('line 2: expected 2 fields, found 3');
  });

  it('names the line, the column and the cell that is not a number', () => {
    const text = 'name,age,y\n1,2,3\n1,2,3\n1,2,3\n1,abc,3\n';
    const e = caught(() => parseCsv(text));
    expect(e.message).toBe(`parseCsv: line 5, column 'age': "abc" is not a number`);
    expect(e.line).toBe(5);
    expect(e.column).toBe('age');
    for (const bad of ['NaN', 'Infinity', '0x10', '1e', '1,5', '--1', '1.2.3']) {
      expect(() => parseCsv(`a,y\n"${bad}",1\n`)).toThrow(
        `line 2, column 'a': "${bad}" is not a number`,
      );
    }
    for (const good of ['+1', '-0.5', '.5', '5.', '1E3', '2e-2']) {
      expect(parseCsv(`a,y\n${good},1\n`).x.data[0]).toBe(Number(good));
    }
  });

  it('refuses an empty cell as a missing value', () => {
    expect(() => parseCsv('a,b,y\n1,,3\n')).toThrow(
      `parseCsv: line 2, column 'b': the field is empty (missing values are not supported)`,
    );
    expect(() => parseCsv('a,y\n1,\n')).toThrow(`line 2, column 'y': the field is empty`);
    expect(() => parseCsv('a,s\n1,x\n2,""\n')).toThrow(`line 3, column 's': the field is empty`);
  });

  it('refuses an empty text, a header without rows, and a single column', () => {
    for (const text of ['', '\n\n', '\uFEFF', '  \r\n']) {
      expect(() => parseCsv(text)).toThrow('parseCsv: the CSV is empty (no header, no rows)');
    }
    expect(() => parseCsv('a,y\n\n')).toThrow('the header (line 1) is followed by no data rows');
    expect(() => parseCsv('y\n1\n2\n')).toThrow('found 1 column; need at least 2');
  });

  it('lists the columns when the target name is unknown, and checks a target index', () => {
    expect(() => parseCsv('a,b,y\n1,2,3\n', { target: 'z' })).toThrow(
      `parseCsv: target column 'z' not found; the columns are 'a', 'b', 'y'`,
    );
    expect(() => parseCsv('a,b,y\n1,2,3\n', { target: 3 })).toThrow(
      'target index 3 is out of range for 3 columns',
    );
    expect(() => parseCsv('a,b,y\n1,2,3\n', { target: -4 })).toThrow(/out of range/);
    expect(() => parseCsv('a,b,y\n1,2,3\n', { target: 1.5 })).toThrow(/out of range/);
  });

  it('refuses duplicate and empty header names', () => {
    const e = caught(() => parseCsv('a,b,a,y\n1,2,3,4\n'));
    expect(e.message).toBe(
      `parseCsv: line 1 (header): the name 'a' is used twice (columns 1 and 3)`,
    );
    expect(() => parseCsv('a,,y\n1,2,3\n')).toThrow('line 1 (header): column 2 has no name');
  });

  it('reports an unclosed quote at the line that opens it, and text after a closing quote', () => {
    expect(() => parseCsv('a,y\n1,2\n3,"4\n5,6\n')).toThrow(
      `parseCsv: line 3: a quoted field is never closed (missing '"')`,
    );
    expect(() => parseCsv('a,y\n"1"x,2\n')).toThrow(
      `line 2: unexpected "x" after the closing quote of field 1`,
    );
  });

  it('refuses a label outside the classes given, and bad options', () => {
    expect(() => parseCsv('f,s\n1,a\n2,d\n', { classes: ['a', 'b'] })).toThrow(
      `parseCsv: line 3, column 's': "d" is not one of the classes "a", "b"`,
    );
    expect(() => parseCsv('a,y\n1,2\n', { delimiter: ',,' })).toThrow(
      /delimiter must be one character/,
    );
    expect(() => parseCsv('a,y\n1,2\n', { delimiter: '"' })).toThrow(/delimiter/);
    expect(() => parseCsv('a,y\n1,2\n', { targetType: 'text' as unknown as 'class' })).toThrow(
      /targetType must be/,
    );
    expect(() => parseCsv('a,y\n1,2\n', { classes: ['a'], targetType: 'number' })).toThrow(
      /classes were given but targetType is 'number'/,
    );
    expect(() => parseCsv('a,y\n1,2\n', { classes: ['2', '2'] })).toThrow(/lists "2" twice/);
  });

  it('names the text in the message and is a ValueError', () => {
    const e = caught(() => parseCsv('a,y\n1\n', { name: 'mine.csv' }));
    expect(e.message).toBe('parseCsv: mine.csv: line 2: expected 2 fields, found 1');
    expect(e).toBeInstanceOf(ValueError);
  });
});

describe('parseCsv reliability (issue 18)', () => {
  it('keeps a tab or space delimiter after a closing quote (defect 4)', () => {
    const tab = parseCsv('a\t"b"\ty\n1\t2\t3\n', { delimiter: '\t' });
    expect(tab.featureNames).toEqual(['a', 'b']);
    expect(Array.from(tab.x.data)).toEqual([1, 2]);
    expect(Array.from(tab.y.data)).toEqual([3]);
    const space = parseCsv('"a" "b c" y\n1 "2" 3\n', { delimiter: ' ' });
    expect(space.featureNames).toEqual(['a', 'b c']);
    expect(Array.from(space.x.data)).toEqual([1, 2]);
    // With a comma, spaces after the closing quote are still skipped.
    expect(parseCsv('"a"  ,y\n1,2\n').featureNames).toEqual(['a']);
  });

  it('reads UTF-8 bytes and refuses bytes that are not UTF-8, naming the byte offset', () => {
    const d = parseCsv(utf8('f,s\n1,café\n2,cafè\n'));
    expect(d.classes).toEqual(['café', 'cafè']);
    expect(parseCsv(utf8('a,y\n1,2\n')).featureNames).toEqual(['a']);
    // Latin-1 'café' and 'cafè': 0xE9 sits at byte 9 (after 'f,s\n1,caf').
    const latin1 = Uint8Array.from([
      ...utf8('f,s\n1,caf'),
      0xe9,
      0x0a,
      ...utf8('2,caf'),
      0xe8,
      0x0a,
    ]);
    const e = caught(() => parseCsv(latin1));
    expect(e.message).toBe(
      'parseCsv: the text is not UTF-8: byte offset 9 (line 2) holds 0xe9, which does not begin a valid UTF-8 sequence here; save the file as UTF-8',
    );
    expect(e.line).toBe(2);
    // An overlong encoding, a surrogate and a truncated sequence at the end are refused too.
    for (const [bytes, offset] of [
      [[0x61, 0xc0, 0xaf], 1],
      [[0x61, 0x2c, 0xed, 0xa0, 0x80], 2],
      [[0x61, 0x2c, 0x79, 0x0a, 0xe2, 0x82], 4],
    ] as const) {
      expect(() => parseCsv(Uint8Array.from(bytes))).toThrow(`byte offset ${offset} `);
    }
  });

  it('truncates echoed input in its errors (defect 4)', () => {
    const big = 'x'.repeat(1_000_000);
    const messages = [
      () => parseCsv(`a,y\n${big},1\n`),
      () => parseCsv(`${big},${big},y\n1,2,3\n`),
      () => parseCsv(`f,s\n1,${big}\n`, { classes: ['a', 'b'] }),
      () => parseCsv('f,s\n1,z\n', { classes: Array.from({ length: 100_000 }, (_, j) => `k${j}`) }),
      () => parseCsv('a,y\n1,2\n', { target: big }),
      () =>
        parseCsv(
          `${Array.from({ length: 100_000 }, (_, j) => `c${j}`).join(',')}\n${'1,'.repeat(99_999)}1\n`,
          { target: 'z' },
        ),
      () => parseCsv('a,y\n1,2\n', { delimiter: big }),
      () => parseCsv(`a,${big}\n1,\n`),
      () => parseCsv('a,y\n1,"2"x\n'.replace('x', big)),
    ].map((f) => caught(f).message);
    for (const m of messages) expect(m.length).toBeLessThan(1000);
    expect(messages[0]).toBe(
      `parseCsv: line 2, column 'a': "${'x'.repeat(60)}"… (1000000 characters) is not a number`,
    );
    expect(messages[5]).toMatch(/the columns are 'c0', 'c1', .*'c9', … \(100000 columns\)$/);
  });

  it('refuses a float32 cell that rounds to Infinity, naming line and column (defect 5)', () => {
    // float32's largest value is 3.4028234663852886e38 (IEEE 754 binary32: (2 − 2⁻²³) · 2¹²⁷).
    const ok = parseCsv('a,y\n3.4028234e38,-3.4028234e38\n', { dtype: 'float32' });
    expect(ok.x.data[0]).toBe(3.4028234663852886e38);
    expect(ok.y.data[0]).toBe(-3.4028234663852886e38);
    for (const [text, line, column] of [
      ['a,y\n1,2\n1e39,1\n', 3, 'a'],
      ['a,y\n1,-3.5e38\n', 2, 'y'],
    ] as const) {
      const e = caught(() => parseCsv(text, { dtype: 'float32' }));
      expect(e.line).toBe(line);
      expect(e.column).toBe(column);
      expect(e.message).toMatch(
        `parseCsv: line ${line}, column '${column}': ${JSON.stringify(text.split('\n')[line - 1]?.split(',')[column === 'a' ? 0 : 1])} is outside float32's range`,
      );
    }
    expect(parseCsv('a,y\n1e39,1\n').x.data[0]).toBe(1e39); // float64 holds it
  });

  it('says what it expected of the text and the options, not a TypeError (defect 8)', () => {
    for (const [text, got] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [42, '42'],
      [{}, 'an object'],
    ] as const) {
      expect(caught(() => parseCsv(text as unknown as string)).message).toBe(
        `parseCsv: expected the CSV text as a string, or its UTF-8 bytes as a Uint8Array; got ${got}`,
      );
    }
    expect(
      caught(() => parseCsv('a,y\n1,2\n', { delimiter: null as unknown as string })).message,
    ).toBe(
      'parseCsv: delimiter must be one character other than a quote or a line break, got null',
    );
    expect(caught(() => parseCsv('a,y\n1,2\n', null as unknown as object)).message).toBe(
      'parseCsv: options must be an object, got null',
    );
    expect(
      caught(() => parseCsv('f,s\n1,a\n', { classes: 'ab' as unknown as string[] })).message,
    ).toBe('parseCsv: classes must be an array of strings, got "ab"');
  });
});
