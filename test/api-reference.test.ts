// The API reference (docs/typedoc.json) against the packages' manifests: TypeDoc documents every
// public entry point, under the name users import it by, and fails on an undocumented export.
// The reference itself is built by `pnpm docs:build`; this catches drift on every `npm test`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const typedoc = JSON.parse(read('docs/typedoc.json'));
const PACKAGES = ['core', 'layers', 'optim'];

/** Each public entry of a package: its import path and the source file it resolves to in-repo. */
function entryPoints(dir: string): { specifier: string; source: string }[] {
  const pkg = JSON.parse(read(`packages/${dir}/package.json`));
  return Object.entries(pkg.exports as Record<string, unknown>)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, conditions]) => {
      const source = (conditions as Record<string, string>)['@backprop/source'];
      if (typeof source !== 'string') {
        throw new Error(
          `packages/${dir}/package.json: exports["${subpath}"] has no '@backprop/source'`,
        );
      }
      return {
        specifier: pkg.name + subpath.slice(1),
        source: `../packages/${dir}/${source.replace(/^\.\//, '')}`,
      };
    });
}

describe('docs/typedoc.json', () => {
  it("documents every entry of each package's exports map, from its source", () => {
    const expected = PACKAGES.flatMap((dir) => entryPoints(dir).map((e) => e.source));
    expect(typedoc.entryPoints).toEqual(expected);
  });

  it('names each entry by its import path (an @module tag), not by its file', () => {
    for (const dir of PACKAGES) {
      for (const { specifier, source } of entryPoints(dir)) {
        const text = read(source.replace(/^\.\.\//, ''));
        expect(text, source).toMatch(new RegExp(`@module ${specifier}\\n`));
      }
    }
  });

  it('fails the docs build on an undocumented export of any of the packages', () => {
    expect(typedoc.validation.notDocumented).toBe(true);
    expect(typedoc.treatValidationWarningsAsErrors).toBe(true);
    expect([...typedoc.packagesRequiringDocumentation].sort()).toEqual(
      PACKAGES.map((dir) => `@backprop/${dir}`),
    );
  });
});
