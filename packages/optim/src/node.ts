// @backprop/optim/node: the Node-only part of the package (reading data files). The main entry
// stays browser-safe; in a browser, fetch the text and give it to parseCsv.

/**
 * The Node-only part of `@backprop/optim`: reading CSV files from disk.
 * @module @backprop/optim/node
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@backprop/core';
import { type CsvOptions, type Dataset, parseCsvAs } from './data/csv.js';

/**
 * Reads a CSV file (UTF-8) into a data set, as `parseCsv` does; its errors name the file and the
 * line ("readCsv: data.csv: line 17: expected 11 fields, found 10").
 * @example
 * import { readCsv } from '@backprop/optim/node';
 * // a path relative to the working directory, or a file: URL
 * const { x, y, featureNames } = await readCsv('examples/data/diabetes.csv');
 * console.log(x.shape, y.shape, featureNames.length); // → [ 442, 10 ] [ 442 ] 10
 */
export async function readCsv(path: string | URL, options: CsvOptions = {}): Promise<Dataset> {
  const file = path instanceof URL ? fileURLToPath(path) : path;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file); // parseCsvAs decodes them strictly: no silent U+FFFD
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const error = new ValueError(`readCsv: cannot read ${file}: ${why}`);
    error.cause = cause; // keeps the system error's code (ENOENT, EACCES, …)
    throw error;
  }
  return parseCsvAs(`readCsv: ${options.name ?? file}`, bytes, options);
}
