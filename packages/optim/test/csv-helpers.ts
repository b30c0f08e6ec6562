// Shared by the CSV tests: the CsvError a call throws.
import { expect } from 'vitest';
import { CsvError } from '../src/data/csv.js';

/** The error `f` throws, checked to be a CsvError (fails the test when it throws none). */
export function caught(f: () => unknown): CsvError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(CsvError);
    return error as CsvError;
  }
  throw new Error('expected an error, none was thrown');
}
