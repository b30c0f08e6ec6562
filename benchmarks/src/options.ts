// The command line of `pnpm bench`, checked: every option it takes, with the error a person
// sees for a misspelt one.
import { LIBS, WORKLOADS } from './plan.js';

export const USAGE =
  'pnpm bench [--quick] [--rounds=N] [--libs=backprop,backprop-user,plain-js,tfjs-cpu,tfjs-wasm,jax-js,brain.js,pytorch] ' +
  '[--workloads=A,B,C,K,F,D,M,G] [--out=file.md] [--render=benchmarks/results/full.json] ' +
  '[--baseline=/path/to/other/backprop/checkout]';

/** A command line or setting the runner cannot use: its message is all a person needs to see. */
export class UsageError extends Error {}

export interface Options {
  help: boolean;
  quick: boolean;
  /** `--rounds=N`; undefined: 1 with --quick, else 3 */
  rounds?: number;
  /** `--libs=`, `--workloads=`: undefined runs all */
  libs?: string[];
  workloads?: string[];
  /** `--out=`, as given (relative to the current directory) */
  out?: string;
  /** `--render=results/full.json`: rewrite the report from a saved run without measuring again */
  render?: string;
  /** `--baseline=DIR`: also run every backprop process from the checkout at DIR, interleaved */
  baseline?: string;
}

const FLAGS = ['quick', 'help'] as const;
const VALUES = ['rounds', 'libs', 'workloads', 'out', 'render', 'baseline'] as const;

/** Reads `argv` (without node and the script); throws an Error naming the bad argument. */
export function parseOptions(argv: readonly string[]): Options {
  const values: Partial<Record<(typeof VALUES)[number], string>> = {};
  for (const arg of argv) {
    const [, name = '', value] = /^--([a-z]+)(?:=(.*))?$/s.exec(arg) ?? [];
    if (value === undefined && (FLAGS as readonly string[]).includes(name)) continue;
    if (value !== undefined && (VALUES as readonly string[]).includes(name)) {
      if (value === '') throw new UsageError(`pnpm bench: ${arg} needs a value\nusage: ${USAGE}`);
      values[name as (typeof VALUES)[number]] = value;
    } else if (arg !== '--') {
      // a bare `--` is what some package managers put before a script's arguments
      throw new UsageError(`pnpm bench: unknown argument '${arg}'\nusage: ${USAGE}`);
    }
  }
  const list = (name: 'libs' | 'workloads', known: readonly string[]) => {
    const items = values[name]?.split(',');
    const unknown = items?.filter((x) => !known.includes(x)) ?? [];
    if (unknown.length) {
      throw new UsageError(
        `pnpm bench: --${name}=${values[name]} names ${unknown.join(', ')}; expected some of ${known.join(',')}`,
      );
    }
    return items;
  };
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1)) {
    throw new UsageError(`pnpm bench: --rounds=${values.rounds}; expected a whole number ≥ 1`);
  }
  return {
    help: argv.includes('--help'),
    quick: argv.includes('--quick'),
    rounds,
    libs: list(
      'libs',
      LIBS.map((l) => l.name),
    ),
    workloads: list('workloads', WORKLOADS),
    out: values.out,
    render: values.render,
    baseline: values.baseline,
  };
}
