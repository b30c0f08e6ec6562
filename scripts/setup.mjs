// What `npm test`, `npm run demo`, `pnpm bench` and `pnpm test:release` need before they run, on
// a machine that may only have Node >= 20 and npm: the pinned pnpm, and the dependencies of the
// workspace parts the command uses. The parts that only benchmarks or releases need (TensorFlow.js
// and the other peers; Verdaccio, publint, Chromium's driver) install when those commands run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PNPM_VERSION = '12.4.2';
export const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Workspace projects left out of the default install, by the name `--with=` gives them. */
export const OPTIONAL_PARTS = {
  benchmarks: '@backprop/benchmarks',
  release: '@backprop/release',
  docs: '@backprop/docs',
};

const isWin = process.platform === 'win32';
// pnpm is pinned (later 12.x releases lack builds for some platforms): its "Update available!"
// notice would only mislead.
process.env.pnpm_config_update_notifier ??= 'false';
const log = (msg) => console.log(`[setup] ${msg}`);

// On Windows npm/pnpm are .cmd shims, which spawnSync can only start through a shell.
const bin = (name) => (isWin ? `${name}.cmd` : name);
export const spawn = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { shell: isWin, stdio: 'inherit', ...opts });

// Version of the `pnpm` on PATH, or null. Asked from a temp dir so that a different global
// pnpm does not react to this repo's `packageManager` pin.
function globalPnpmVersion() {
  const r = spawn(bin('pnpm'), ['--version'], { cwd: tmpdir(), stdio: 'pipe', encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const lines = r.stdout.trim().split(/\r?\n/);
  return lines[lines.length - 1]?.trim() ?? null;
}

/** The nearest folder at or above `path` that exists. */
function existingAncestor(path) {
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  return path;
}

/**
 * Why `npm i -g` would fail here (a sentence), or null when it can write npm's global folders.
 * Checked first, so that a user without write access (not root, Node from a system package) sees
 * one line instead of npm's EACCES error block.
 */
export function globalInstallBlocker() {
  const r = spawn(bin('npm'), ['prefix', '-g'], {
    cwd: tmpdir(),
    stdio: 'pipe',
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) return 'npm prefix -g failed';
  const prefix = r.stdout.trim();
  const folders = isWin ? [prefix] : [join(prefix, 'lib', 'node_modules'), join(prefix, 'bin')];
  for (const folder of folders) {
    const existing = existingAncestor(folder);
    try {
      accessSync(existing, constants.W_OK);
    } catch {
      return `npm's global folder ${existing} is not writable by this user`;
    }
  }
  return null;
}

/** [command, prefixArgs] that run the pinned pnpm: the one running us, a global one, or npx. */
export function findPnpm() {
  // Started by pnpm itself (a root script such as `pnpm bench`): use that pnpm.
  const agent = process.env.npm_config_user_agent ?? '';
  const execpath = process.env.npm_execpath;
  if (agent.startsWith(`pnpm/${PNPM_VERSION} `) && execpath && existsSync(execpath)) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []];
  }
  const found = globalPnpmVersion();
  if (found === PNPM_VERSION) return [bin('pnpm'), []];
  const need = found ? `pnpm ${found} found, need ${PNPM_VERSION}` : 'pnpm not found';
  const blocker = globalInstallBlocker();
  if (blocker === null) {
    log(`${need}: npm i -g pnpm@${PNPM_VERSION}`);
    const install = spawn(bin('npm'), ['i', '-g', `pnpm@${PNPM_VERSION}`], { cwd: tmpdir() });
    if (!install.error && install.status === 0 && globalPnpmVersion() === PNPM_VERSION) {
      return [bin('pnpm'), []];
    }
    log(`the global install failed; using npx -y pnpm@${PNPM_VERSION}`);
  } else {
    log(`${need}, and ${blocker}: using npx -y pnpm@${PNPM_VERSION}`);
  }
  return [bin('npx'), ['-y', `pnpm@${PNPM_VERSION}`]];
}

// Which parts are installed, for which lockfile: node_modules/.backprop-setup.json.
const markerPath = join(root, 'node_modules', '.backprop-setup.json');

function lockHash() {
  const lock = join(root, 'pnpm-lock.yaml');
  return existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : null;
}

function installedParts(hash) {
  try {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
    return marker.lock === hash && Array.isArray(marker.parts) ? marker.parts : [];
  } catch {
    return [];
  }
}

/**
 * Installs the default part of the workspace (everything but OPTIONAL_PARTS) and the named
 * optional ones, each unless the marker says it is installed for this lockfile. Exits the
 * process with pnpm's status if an install fails.
 */
export function ensureInstalled(pnpm, optional = []) {
  const [cmd, prefix] = pnpm;
  const hash = lockHash();
  const done = installedParts(hash);
  for (const part of ['default', ...optional]) {
    if (done.includes(part)) continue;
    const filters =
      part === 'default'
        ? Object.values(OPTIONAL_PARTS).map((name) => `--filter=!${name}`)
        : [`--filter=${OPTIONAL_PARTS[part]}`];
    log(`installing dependencies (${part}): pnpm install --frozen-lockfile ${filters.join(' ')}`);
    const r = spawn(cmd, [...prefix, 'install', '--frozen-lockfile', ...filters], { cwd: root });
    if (r.error) {
      console.error(`[setup] failed to start pnpm: ${r.error.message}`);
      process.exit(1);
    }
    if (r.status !== 0) process.exit(r.status ?? 1);
    done.push(part);
    writeFileSync(markerPath, `${JSON.stringify({ lock: hash, parts: done })}\n`);
  }
}
