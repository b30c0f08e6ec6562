// LAYERS_VERSION (written into exported ONNX models) follows package.json.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { LAYERS_VERSION } from './version.js';

it("LAYERS_VERSION is the package's version", () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  expect(LAYERS_VERSION).toBe(pkg.version);
});
