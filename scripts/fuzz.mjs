#!/usr/bin/env node
// pnpm fuzz: the suite's fuzz properties (every *.fuzz.test.ts) with many more runs than `npm test`
// gives them, for use before a release. FUZZ_RUNS sets the runs per property (default 100000).
import { spawnSync } from 'node:child_process';

const runs = process.env.FUZZ_RUNS ?? '100000';
const r = spawnSync('vitest', ['run', '.fuzz.test.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
  shell: process.platform === 'win32',
});
process.exit(r.status ?? 1);
