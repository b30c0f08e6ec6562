// A small seedable random generator (xoshiro128**), so every run is reproducible bit for bit.
import { ValueError } from './errors.js';

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
