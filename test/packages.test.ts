// The published packages' manifests and READMEs, checked against each other and the repository.
// What they promise in the registry is tested for real by `pnpm test:release` (release/); this
// catches drift on every `npm test`.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const rootManifest = JSON.parse(read('package.json'));
const REPO_URL: string = rootManifest.repository.url; // git+https://github.com/…/backprop.git
const REPO = REPO_URL.replace(/^git\+/, '').replace(/\.git$/, '');
const PACKAGES = ['core', 'layers', 'optim'];
// The only dependencies from outside the workspace, pinned exactly (core has none): each one is a
// decision, so a new one must be added here. (layers bundles onnx-proto for toONNX: a devDependency.)
const THIRD_PARTY: Record<string, Record<string, string>> = {
  core: {},
  layers: {},
  optim: {},
};
const manifest = (dir: string) => JSON.parse(read(`packages/${dir}/package.json`));

/** The exports map with the in-repo '@backprop/source' condition taken out. */
function published(exportsMap: unknown): unknown {
  if (typeof exportsMap !== 'object' || exportsMap === null) return exportsMap;
  return Object.fromEntries(
    Object.entries(exportsMap)
      .filter(([condition]) => condition !== '@backprop/source')
      .map(([key, value]) => [key, published(value)]),
  );
}

describe.each(PACKAGES)('@backprop/%s', (dir) => {
  const pkg = manifest(dir);

  it('publishes its exports map without the in-repo source condition (publishConfig.exports)', () => {
    expect(JSON.stringify(pkg.exports)).toContain('@backprop/source');
    expect(pkg.publishConfig.exports).toEqual(published(pkg.exports));
    expect(pkg.publishConfig.access).toBe('public');
  });

  it('resolves its subpaths (./node, ./onnx) for node10 too (typesVersions), to the types its exports name', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
    expect(pkg.typesVersions).toEqual({
      '*': Object.fromEntries(subpaths.map((k) => [k.slice(2), [pkg.exports[k].import.types]])),
    });
    expect(pkg.types).toBe(pkg.exports['.'].import.types);
  });

  it('ships dist/, CHANGELOG.md and (always packed) README.md and the root LICENSE', () => {
    // layers bundles onnx-proto and protobufjs into dist/ (toONNX): their licences go with them
    const notices = dir === 'layers' ? ['THIRD_PARTY_LICENSES.md'] : [];
    expect(pkg.files).toEqual(['dist', 'CHANGELOG.md', ...notices]);
    for (const file of notices)
      expect(existsSync(new URL(`packages/${dir}/${file}`, root))).toBe(true);
    expect(pkg.license).toBe('MIT');
    expect(read(`packages/${dir}/LICENSE`)).toBe(read('LICENSE'));
    expect(existsSync(new URL(`packages/${dir}/CHANGELOG.md`, root))).toBe(true);
  });

  it('points at this repository, and asks for Node 20 or newer', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: REPO_URL, directory: `packages/${dir}` });
    expect(pkg.homepage).toBe(`${REPO}/tree/main/packages/${dir}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
    expect(pkg.engines).toEqual(rootManifest.engines);
    expect(pkg.description.length).toBeGreaterThan(20);
    expect(pkg.keywords.length).toBeGreaterThan(3);
  });

  it('shares one version with the other packages, and depends on them by workspace:^', () => {
    for (const other of PACKAGES) expect(manifest(other).version).toBe(pkg.version);
    const deps = Object.entries(pkg.dependencies ?? {}) as [string, string][];
    for (const [name, range] of deps.filter(([name]) => name.startsWith('@backprop/'))) {
      expect(range, name).toBe('workspace:^');
    }
    const others = deps.filter(([name]) => !name.startsWith('@backprop/'));
    expect(Object.fromEntries(others)).toEqual(THIRD_PARTY[dir]);
  });

  it('links from its README (shown on npm) only to absolute URLs, those into this repository to files that exist', () => {
    const readme = read(`packages/${dir}/README.md`);
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link, 'a relative link breaks on the npm page').toMatch(/^(https?:|mailto:|#)/);
      const inRepo = new RegExp(`^${REPO}/(blob|tree)/main/([^#]+)`).exec(link);
      if (inRepo) expect(existsSync(new URL(inRepo[2] as string, root)), link).toBe(true);
    }
  });
});
