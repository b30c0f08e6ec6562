#!/usr/bin/env node
// The `backprop` command: runs the built program (pnpm build writes dist/).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
