// fit's progress display: in a terminal a bar per epoch redrawn in place (\r), throttled to 10
// redraws a second, and a summary line per epoch; elsewhere plain lines. No Node imports: stdout
// is reached through globalThis, so the package stays browser-safe.
import { echoValue, ValueError } from '@backprop/core';
import type { EpochLog } from './history.js';
import { checkOptions, optionNames } from './optimizer.js';

/**
 * Where and how `fit` reports progress. Every field is optional: by default it writes to
 * `process.stdout` (in a browser, `console.log`) and asks it whether it is a terminal.
 * @example
 * const x = tensor([[0], [1], [2], [3]]), y = tensor([[1], [3], [5], [7]]);
 * const model = new MLP({ inputs: 1, hidden: [4], seed: 0 });
 * const options = { x, y, loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 30 };
 * const lines: string[] = [];
 * fit(model, { ...options, progress: { write: (s) => lines.push(s), isTTY: false, every: 10 } });
 * // one line every 10 epochs, each followed by its own "\n"
 * console.log(lines.filter((s) => s.startsWith('epoch')).length, lines.length); // → 3 6
 */
export interface ProgressOptions {
  /** Receives the text (with its own `\r` and `\n`). Default: stdout's `write`. */
  write?: (text: string) => void;
  /**
   * Whether `write` goes to a terminal: then a bar is redrawn in place during each epoch.
   * Default: stdout's `isTTY` when `write` is not given, else false.
   */
  isTTY?: boolean;
  /**
   * A summary line every `every` epochs (the last epoch always gets one). Default: 1 in a
   * terminal; elsewhere ⌈epochs / 10⌉, so a log gets about ten lines.
   */
  every?: number;
  /** The clock in milliseconds, for the bar's rate and ETA (default `performance.now`). */
  now?: () => number;
}

/** What `fit` accepts as `progress`. */
export type ProgressSetting = boolean | 'auto' | ProgressOptions;

/** The bits of Node's stdout used here, so no Node types are needed. */
interface Stdout {
  write(text: string): unknown;
  isTTY?: boolean;
}

function stdout(): Stdout | undefined {
  return (globalThis as { process?: { stdout?: Stdout } }).process?.stdout;
}

/** Milliseconds from a monotonic clock where there is one. */
export function nowMs(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** The most bar redraws per second. */
const MAX_REDRAWS_PER_SECOND = 10;
const BAR_WIDTH = 24;

/**
 * Draws fit's progress. `'auto'` (the default) shows it only when stdout is a terminal, so
 * tests, CI logs and pipes stay quiet; `true` shows it anyway (plain lines when not a terminal);
 * `false` shows nothing.
 */
export class ProgressDisplay {
  private readonly write: (text: string) => void;
  private readonly isTTY: boolean;
  private readonly every: number;
  private readonly now: () => number;
  private readonly epochs: number;
  private readonly samples: number;
  private epoch = 0;
  private epochStart = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  /** The length of the bar on screen (0: none), to blank it out when a shorter line replaces it. */
  private drawn = 0;
  private totalSeconds = 0;

  private constructor(
    write: (text: string) => void,
    isTTY: boolean,
    every: number,
    now: () => number,
    epochs: number,
    samples: number,
  ) {
    this.write = write;
    this.isTTY = isTTY;
    this.every = every;
    this.now = now;
    this.epochs = epochs;
    this.samples = samples;
  }

  /** The display a `progress` setting asks for, or null for none. */
  static create(setting: ProgressSetting, epochs: number, samples: number): ProgressDisplay | null {
    const where = 'fit: progress';
    if (setting === false) return null;
    const out = stdout();
    if (setting === 'auto') {
      if (out?.isTTY !== true) return null;
      return new ProgressDisplay((s) => out.write(s), true, 1, nowMs, epochs, samples);
    }
    if (setting !== true && (setting === null || typeof setting !== 'object')) {
      throw new ValueError(
        `${where} must be true, false, 'auto' or { write, isTTY, every }, got ${echoValue(setting)}`,
      );
    }
    const options: ProgressOptions = setting === true ? {} : setting;
    checkOptions(
      where,
      options,
      optionNames<ProgressOptions>({ write: true, isTTY: true, every: true, now: true }),
    );
    if (options.write !== undefined && typeof options.write !== 'function') {
      throw new ValueError(
        `${where}.write must be a function (text) => void, got ${echoValue(options.write)}`,
      );
    }
    let write = options.write;
    let isTTY = options.isTTY ?? false;
    if (write === undefined) {
      if (out !== undefined) {
        write = (s) => out.write(s);
        isTTY = options.isTTY ?? out.isTTY === true;
      } else {
        // A browser: console.log adds its own newline and cannot redraw a line.
        const console = (globalThis as { console?: { log(text: string): void } }).console;
        write = (s) => console?.log(s.replace(/\n$/, ''));
        isTTY = false;
      }
    }
    const every = options.every ?? (isTTY ? 1 : Math.ceil(epochs / 10));
    if (!Number.isInteger(every) || every < 1) {
      throw new ValueError(`${where}.every must be an integer ≥ 1, got ${echoValue(every)}`);
    }
    return new ProgressDisplay(write, isTTY, every, options.now ?? nowMs, epochs, samples);
  }

  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.now();
  }

  /** After each batch: `done` samples of the epoch so far, with their mean loss. */
  batchEnd(done: number, loss: number): void {
    if (!this.isTTY) return;
    const t = this.now();
    if (t - this.lastDraw < 1000 / MAX_REDRAWS_PER_SECOND) return;
    this.lastDraw = t;
    const seconds = (t - this.epochStart) / 1000;
    const rate = seconds > 0 ? done / seconds : Number.NaN;
    const left = Number.isFinite(rate) && rate > 0 ? (this.samples - done) / rate : Number.NaN;
    const filled = Math.round((BAR_WIDTH * done) / this.samples);
    const bar =
      filled >= BAR_WIDTH
        ? '='.repeat(BAR_WIDTH)
        : `${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled - 1)}`;
    const count = `${done}`.padStart(`${this.samples}`.length);
    this.draw(
      `${this.epochLabel()} [${bar}] ${count}/${this.samples} · loss ${formatNumber(loss)} · ` +
        `${formatRate(rate)} samples/s · ETA ${formatSeconds(left)}`,
    );
  }

  /** At the end of an epoch: its summary line, if this epoch gets one. */
  endEpoch(log: EpochLog, last: boolean): void {
    this.totalSeconds += log.seconds;
    if (!last && log.epoch % this.every !== 0) return;
    const parts = [`${this.epochLabel()} · loss ${formatNumber(log.loss)}`];
    if (log.valLoss !== undefined) parts.push(`valLoss ${formatNumber(log.valLoss)}`);
    for (const [name, value] of Object.entries(log.metrics)) {
      const val = log.valMetrics?.[name];
      parts.push(
        `${name} ${formatNumber(value)}${val === undefined ? '' : ` (val ${formatNumber(val)})`}`,
      );
    }
    parts.push(`lr ${formatNumber(log.lr)}`, formatSeconds(log.seconds));
    if (!last) {
      const perEpoch = this.totalSeconds / log.epoch;
      parts.push(`ETA ${formatSeconds(perEpoch * (this.epochs - log.epoch))}`);
    }
    this.line(parts.join(' · '));
  }

  /** A line of its own (early stopping, …), replacing any bar. */
  line(text: string): void {
    if (this.drawn > 0) this.draw(text);
    else this.write(text);
    this.write('\n');
    this.drawn = 0;
  }

  /** Leaves a bar still on screen (training ended by an error) on a line of its own. */
  close(): void {
    if (this.drawn > 0) this.write('\n');
    this.drawn = 0;
  }

  private epochLabel(): string {
    return `epoch ${`${this.epoch}`.padStart(`${this.epochs}`.length)}/${this.epochs}`;
  }

  /** Redraws the current line: \r, the text, and blanks over what a longer bar left. */
  private draw(text: string): void {
    this.write(`\r${text}${' '.repeat(Math.max(0, this.drawn - text.length))}`);
    this.drawn = text.length;
  }
}

/** Four significant digits, exponent form for very small or large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function formatRate(r: number): string {
  if (!Number.isFinite(r)) return '–';
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (r >= 1e4) return `${(r / 1e3).toFixed(1)}k`;
  return `${Math.round(r)}`;
}

/** 0.42s, 12s, 3m 05s, 1h 02m. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 10) return `${s.toFixed(2)}s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole}s`;
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m ${`${whole % 60}`.padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${`${m % 60}`.padStart(2, '0')}m`;
}
