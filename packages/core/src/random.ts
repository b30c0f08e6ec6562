// A small seedable random generator (xoshiro128**), so every run is reproducible bit for bit.
import { ValueError } from './errors.js';

/**
 * A generator's whole state, from `generator.state()`: JSON-able, so a checkpoint can store it
 * and `Generator.fromState` / `setState` continue the same sequence bit for bit.
 */
export interface GeneratorState {
  /** The four 32-bit words of xoshiro128**, each an integer in [0, 2³²). */
  words: [number, number, number, number];
  /** The second normal of the last Box–Muller pair, not yet returned by `normal()`; or null. */
  spare: number | null;
}

/** Seeded pseudo-random numbers. The same seed gives the same sequence on every machine. */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restarts the sequence from `seed`: a finite number, truncated to an integer (exact up to 2⁵³). */
  seed(seed: number): this {
    if (!Number.isFinite(seed))
      throw new ValueError(`Generator.seed: seed must be a finite number, got ${seed}`);
    // The seed's 64-bit two's complement words, so 1, 2³² and −1 ≠ 2³² − 1 all differ.
    const n = Math.trunc(seed);
    const lo = n >>> 0;
    const hi = Math.floor(n / 2 ** 32) >>> 0;
    // splitmix32 spreads each word over the four words of state. The two words step their
    // counters by different constants, so equal words cannot cancel out; the high word joins only
    // when it is not 0, so seeds from 0 to 2³² − 1 keep the sequences they always had.
    const spread = (word: number, step: number) => {
      let x = word;
      return () => {
        x = (x + step) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
      };
    };
    const low = spread(lo, 0x9e3779b9);
    const high = hi === 0 ? () => 0 : spread(hi, 0x7f4a7c15);
    this.s0 = (low() ^ high()) >>> 0;
    this.s1 = (low() ^ high()) >>> 0;
    this.s2 = (low() ^ high()) >>> 0;
    this.s3 = (low() ^ high()) >>> 0;
    this.spare = null;
    return this;
  }

  /** A generator that continues from `state` (taken by `state()`), as `new Generator().setState(state)`. */
  static fromState(state: GeneratorState): Generator {
    return new Generator().setState(state);
  }

  /** A copy of the state (the four words and the spare normal): what `setState` takes. */
  state(): GeneratorState {
    // the words are kept signed or unsigned as the bit operations leave them: the same 32 bits
    const words = [this.s0, this.s1, this.s2, this.s3].map((w) => w >>> 0);
    return { words: words as GeneratorState['words'], spare: this.spare };
  }

  /** Continues from `state` (taken by `state()`): the same numbers as the generator it came from. */
  setState(state: GeneratorState): this {
    const where = 'Generator.setState';
    const words = (state as Partial<GeneratorState> | null)?.words;
    if (
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
    ) {
      throw new ValueError(
        `${where}: expected { words: four integers in [0, 2³²), spare }, got words ${JSON.stringify(words)}`,
      );
    }
    if (words.every((w) => w === 0)) {
      throw new ValueError(`${where}: the words are all 0, a state xoshiro128** never leaves`);
    }
    const spare = state.spare;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new ValueError(`${where}: spare must be a finite number or null, got ${spare}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    this.spare = spare;
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalGenerator = new Generator(0);

/** Reseeds the generator that `rand`, `randn` and friends use when given no `seed`/`generator`. */
export function manualSeed(seed: number): void {
  globalGenerator = new Generator(seed);
}

/** The generator used when none is given: an explicit one, a fresh one from `seed`, or the global one. */
export function pickGenerator(options: { seed?: number; generator?: Generator } = {}): Generator {
  if (options.generator) return options.generator;
  if (options.seed !== undefined) return new Generator(options.seed);
  return globalGenerator;
}
