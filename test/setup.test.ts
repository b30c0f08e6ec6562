// scripts/setup.mjs and scripts/run.mjs, run as real processes: what `npm test` and `npm run demo`
// do before anything else on a new machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../', import.meta.url));
const setup = join(repo, 'scripts', 'setup.mjs');
const work = mkdtempSync(join(tmpdir(), 'backprop-setup-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** globalInstallBlocker() in a fresh Node, with npm's global prefix at `prefix`, as `uid`. */
function blocker(prefix: string, uid?: number): string | null {
  const home = mkdtempSync(join(work, 'home-'));
  if (uid !== undefined) chownSync(home, uid, uid);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(setup)}); console.log(JSON.stringify(m.globalInstallBlocker()));`,
    ],
    {
      encoding: 'utf8',
      env: { ...env, HOME: home, npm_config_prefix: prefix, npm_config_cache: join(home, 'cache') },
      ...(uid !== undefined ? { uid, gid: uid } : {}),
      timeout: 30_000,
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('before a global pnpm install', () => {
  it('finds no obstacle where npm can write its global folders', () => {
    const prefix = mkdtempSync(join(work, 'prefix-'));
    expect(blocker(prefix, isRoot ? undefined : process.getuid?.())).toBeNull();
  });

  it('says which folder a user cannot write, so npm never prints its EACCES block', () => {
    // a prefix owned by someone else, as /usr is for a user whose Node came from the system
    const prefix = mkdtempSync(join(work, 'prefix-'));
    mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true });
    chmodSync(prefix, 0o755);
    if (!isRoot) chmodSync(join(prefix, 'lib', 'node_modules'), 0o555);
    const said = blocker(prefix, isRoot ? NOBODY : undefined);
    expect(said).toBe(
      `npm's global folder ${join(prefix, 'lib', 'node_modules')} is not writable by this user`,
    );
  });
});

describe('scripts/run.mjs', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(repo, 'scripts', 'run.mjs'), ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('names the optional parts when --with names another', () => {
    const r = run('--with=site', 'build');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "[run] unknown part 'site' in --with; expected one of: benchmarks, release, docs\n",
    );
  });

  it('says how to call it without a script', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'usage: node scripts/run.mjs [--with=benchmarks|release|docs] <script> [args...]',
    );
  });
});
