#!/usr/bin/env node
// `pnpm tarballs`: builds the three published packages and packs them into tarballs/, exactly as
// `pnpm publish` would send them to a registry (workspace versions filled in, the in-repo
// '@backprop/source' condition left out), then says how to install them in another project.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, findPnpm, root, spawn } from './setup.mjs';

const out = join(root, 'tarballs');
const pnpm = findPnpm();
ensureInstalled(pnpm); // the build tools (tsup, esbuild, wabt)
const [cmd, prefix] = pnpm;
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
// pack runs each package's prepack script, which builds it.
const r = spawn(
  cmd,
  [...prefix, '-r', '--filter=./packages/*', 'pack', '--pack-destination', out],
  {
    cwd: root,
  },
);
if (r.error || r.status !== 0) process.exit(r.status ?? 1);
const files = readdirSync(out)
  .filter((f) => f.endsWith('.tgz'))
  .map((f) => join(out, f));
console.log(`\nIn your project:\n  npm install ${files.join(' ')}`);
