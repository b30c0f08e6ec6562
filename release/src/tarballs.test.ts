// The three tarballs as the local registry serves them after `pnpm publish`: what is in them, what
// their manifests say, and what publint and arethetypeswrong make of them.
import { writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, PACKAGES, type Published, published, release, text } from './context.js';
import { exec } from './exec.js';

describe.each(PACKAGES)('@backprop/%s, as published', (name) => {
  let pkg: Published;
  // biome-ignore lint/suspicious/noExplicitAny: a manifest is any JSON
  let manifest: Record<string, any>;
  beforeAll(async () => {
    pkg = await published(name);
    manifest = JSON.parse(text(pkg.files, 'package.json'));
  });

  it('holds only dist/, README.md, LICENSE, CHANGELOG.md and package.json (layers: the bundled code’s licences)', () => {
    const paths = pkg.files.map((f) => f.name.replace(/^package\//, '')).sort();
    for (const path of paths)
      expect(path).toMatch(
        /^(dist\/[^/]+|README\.md|LICENSE|THIRD_PARTY_LICENSES\.md|CHANGELOG\.md|package\.json)$/,
      );
    if (name === 'layers') expect(paths).toContain('THIRD_PARTY_LICENSES.md');
    for (const required of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'])
      expect(paths).toContain(required);
    for (const entry of ['index', 'node'])
      for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts'])
        expect(paths).toContain(`dist/${entry}${ext}`);
    const bytes = (files: typeof pkg.files) => files.reduce((n, f) => n + f.data.length, 0);
    const unpacked = bytes(pkg.files);
    const maps = bytes(pkg.files.filter((f) => f.name.endsWith('.map')));
    console.log(
      `@backprop/${name}@${pkg.version}: ${(pkg.tarball.length / 1024).toFixed(1)} KiB packed, ` +
        `${(unpacked / 1024).toFixed(1)} KiB unpacked (source maps ${((100 * maps) / unpacked).toFixed(0)}%), ` +
        `${paths.length} files: ${paths.join(' ')}`,
    );
  });

  it('has the shared version, an MIT licence, and no in-repo source condition or workspace: range', () => {
    // the development scripts go along (npm publishes them); everything else must be clean
    const { scripts: _scripts, ...rest } = manifest;
    expect(JSON.stringify(rest)).not.toMatch(/@backprop\/source|"source"|workspace:|\.\/src\//);
    const { versions } = release();
    expect(new Set(Object.values(versions))).toEqual(new Set([pkg.version]));
    expect(manifest.license).toBe('MIT');
    expect(text(pkg.files, 'LICENSE')).toMatch(/^MIT License/);
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.repository.directory).toBe(`packages/${name}`);
    expect(manifest.publishConfig.access).toBe('public');
    // workspace packages at ^version; a third-party one (layers' onnx-proto) at an exact version
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {}))
      expect(`${dep}@${range}`).toMatch(
        dep.startsWith('@backprop/') ? `${dep}@^${pkg.version}` : /^[^@]+@\d+\.\d+\.\d+$/,
      );
  });

  it('has a README whose links work on the npm page (absolute, or to a shipped file)', () => {
    const readme = text(pkg.files, 'README.md');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)|href="([^"]+)"/g)].map(
      (m) => (m[1] ?? m[2]) as string,
    );
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      const path = posix.normalize(posix.join('package', target.split('#')[0] as string));
      expect(
        pkg.files.some((f) => f.name === path),
        `README links to ${target}`,
      ).toBe(true);
    }
  });

  it('passes publint with no errors, warnings or suggestions', async () => {
    const { messages, pkg: read } = await publint({
      pack: { tarball: pkg.tarball.slice().buffer },
      level: 'suggestion',
      strict: true,
    });
    const said = messages.map((m) => `${m.type}: ${formatMessage(m, read) ?? m.code}`);
    console.log(`publint @backprop/${name}: ${said.length === 0 ? 'all good' : said.join('; ')}`);
    expect(said).toEqual([]);
  });

  it('passes arethetypeswrong for every entry (., ./node, …) under node10, node16 (CJS and ESM) and bundler', async () => {
    const file = join(release().work, `attw-${name}.tgz`);
    writeFileSync(file, pkg.tarball);
    const { stdout } = await exec(bin('attw'), [file, '--format', 'json'], {
      cwd: release().work,
      ok: [0, 1],
    });
    const { analysis, problems } = JSON.parse(stdout);
    expect(problems).toEqual({});
    // every entry of the exports map (layers has ./onnx besides)
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(Object.keys(manifest.exports).sort());
    for (const [subpath, entry] of Object.entries<{
      resolutions: Record<string, { resolution?: { fileName: string } }>;
    }>(analysis.entrypoints)) {
      const kinds = Object.keys(entry.resolutions).sort();
      expect(kinds).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
      for (const kind of kinds)
        expect(entry.resolutions[kind]?.resolution?.fileName, `${subpath} ${kind}`).toBeTruthy();
    }
    console.log(`arethetypeswrong @backprop/${name}: no problems`);
  }, 60_000);
});
