// The release check's global setup: a local registry with the three packages published to it by
// `pnpm publish`, their tarballs as the registry serves them, and a fresh project (outside the
// workspace) that installed them by name with plain `npm install`. The test files share it; it is
// taken down after them, and also when a step here fails.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findPnpm } from '../../scripts/setup.mjs';
import { PACKAGES, type Release, repo } from './context.js';
import { exec } from './exec.js';
import { type Registry, startRegistry } from './registry.js';

/**
 * The environment for npm and node in the consumer: none of the npm_config_* settings that the
 * surrounding `pnpm run` exports, an empty user config and a fresh cache, so that everything the
 * project installs comes from the check's registry.
 */
function consumerEnv(work: string, registry: string): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^(npm|pnpm)_/i.test(e[0]),
    ),
  );
  const userconfig = join(work, 'empty.npmrc');
  writeFileSync(userconfig, '');
  return {
    ...env,
    npm_config_registry: registry,
    npm_config_userconfig: userconfig,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

async function publishAndInstall(work: string, registry: Registry): Promise<Release> {
  // pnpm publish packs each package as it goes to a registry: prepack builds it, workspace:
  // ranges become versions, publishConfig.exports replaces the in-repo exports map.
  const [pnpm, prefix] = findPnpm(); // the pnpm running this check (pnpm test:release)
  await exec(
    pnpm,
    [
      ...prefix,
      '-r',
      '--filter=./packages/*',
      'publish',
      '--registry',
      registry.url,
      '--no-git-checks',
    ],
    { cwd: repo, env: { ...process.env, npm_config_userconfig: registry.npmrc } },
  );
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    const meta = (await (await fetch(`${registry.url}@backprop%2f${name}`)).json()) as {
      'dist-tags': { latest: string };
      versions: Record<string, { dist: { tarball: string } }>;
    };
    const version = meta['dist-tags'].latest;
    const url = meta.versions[version]?.dist.tarball as string;
    writeFileSync(
      join(tarballs, `${name}.tgz`),
      Buffer.from(await (await fetch(url)).arrayBuffer()),
    );
    versions[name] = version;
  }

  const consumer = join(work, 'consumer');
  cpSync(fileURLToPath(new URL('../consumer', import.meta.url)), consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const env = consumerEnv(work, registry.url);
  await exec('npm', ['install', '@backprop/core', '@backprop/layers', '@backprop/optim'], {
    cwd: consumer,
    env,
  });
  return { work, registry: registry.url, tarballs, versions, consumer, env };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const work = mkdtempSync(join(tmpdir(), 'backprop-release-'));
  let registry: Registry | undefined;
  const teardown = async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    registry = await startRegistry(join(work, 'registry'));
    project.provide('release', await publishAndInstall(work, registry));
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
