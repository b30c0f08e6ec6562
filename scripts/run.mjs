#!/usr/bin/env node
// Runs a root package.json script through the pinned pnpm on a machine that may only have
// Node >= 20 + npm: finds (or installs) pnpm, installs dependencies when needed, then runs
// `pnpm run <script> [args...]` and exits with its exit code.
// Usage: node scripts/run.mjs <script> [args...]   (used by `npm test` and `npm run demo`)
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const isWin = process.platform === 'win32';
const [script, ...scriptArgs] = process.argv.slice(2);

if (!script) {
  console.error('usage: node scripts/run.mjs <script> [args...]');
  process.exit(2);
}

const log = (msg) => console.log(`[run] ${msg}`);

// On Windows npm/pnpm are .cmd shims, which spawnSync can only start through a shell.
const bin = (name) => (isWin ? `${name}.cmd` : name);
const spawn = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { shell: isWin, stdio: 'inherit', ...opts });

// Version of the `pnpm` on PATH, or null. Asked from a temp dir so that a different global
// pnpm does not react to this repo's `packageManager` pin.
function globalPnpmVersion() {
  const r = spawn(bin('pnpm'), ['--version'], { cwd: tmpdir(), stdio: 'pipe', encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const lines = r.stdout.trim().split(/\r?\n/);
  return lines[lines.length - 1]?.trim() ?? null;
}

// Returns [command, prefixArgs] to run pnpm with.
function findPnpm() {
  const found = globalPnpmVersion();
  if (found === PNPM_VERSION) return [bin('pnpm'), []];
  log(
    `${found ? `pnpm ${found} found, need ${PNPM_VERSION}` : 'pnpm not found'}: npm i -g pnpm@${PNPM_VERSION}`,
  );
  const install = spawn(bin('npm'), ['i', '-g', `pnpm@${PNPM_VERSION}`], { cwd: tmpdir() });
  if (!install.error && install.status === 0 && globalPnpmVersion() === PNPM_VERSION) {
    return [bin('pnpm'), []];
  }
  log(`global install unavailable; using npx -y pnpm@${PNPM_VERSION}`);
  return [bin('npx'), ['-y', `pnpm@${PNPM_VERSION}`]];
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : null);

function needsInstall() {
  const modules = mtime(join(root, 'node_modules', '.modules.yaml'));
  if (modules === null) return true;
  const lock = mtime(join(root, 'pnpm-lock.yaml'));
  return lock !== null && lock > modules;
}

function exitWith(r) {
  if (r.error) {
    console.error(`[run] failed to start: ${r.error.message}`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

const [pnpm, prefix] = findPnpm();

if (needsInstall()) {
  log('installing dependencies: pnpm install --frozen-lockfile');
  const r = spawn(pnpm, [...prefix, 'install', '--frozen-lockfile'], { cwd: root });
  if (r.error || r.status !== 0) exitWith(r);
  // An up-to-date install leaves .modules.yaml untouched; mark it fresh so we don't reinstall.
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (existsSync(marker)) {
    const now = new Date();
    utimesSync(marker, now, now);
  }
}

exitWith(spawn(pnpm, [...prefix, 'run', script, ...scriptArgs], { cwd: root }));
