// Loading an embedded kernel module (scripts/build-wasm.mjs embeds each .wat as two base64
// binaries): the relaxed-SIMD twin where the engine accepts it and it is allowed, else plain SIMD.
// Every failure throws, with the reason in words; the callers then use their JavaScript kernels.

/** The part of the WebAssembly JS API used here: core's lib (ES2022) does not declare it. */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/**
 * Which WebAssembly build loaded: plain SIMD, or relaxed SIMD (fused multiply–add) where the engine
 * has it.
 */
export type WasmVariant = 'simd' | 'relaxed-simd';

// A call that grew a module's memory past this gives it back afterwards (by dropping the
// instance), so one large operation does not pin its operands' size for the life of the page.
export const RETAIN_BYTES = 64 * 1024 * 1024;

function webAssembly(): WebAssemblyApi {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) throw new Error('this JavaScript engine has no WebAssembly');
  return api;
}

/** A module's memory, as the kernels export it. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65536;

/**
 * One embedded kernel module, loaded on first use: compiled once, instantiated again after
 * `drop()` (which gives its memory back). Anything that fails makes `get()` return null for good
 * (until `reset`), with the reason in `unavailable`.
 */
export class LazyKernels<Exports extends { memory: WasmMemory }> {
  /** Which build is loaded: 'relaxed-simd', 'simd', or null before or without one. */
  variant: WasmVariant | null = null;
  /** Why the module could not be loaded ('' if it was, or was not tried). */
  unavailable = '';
  /** The live instance, or null. */
  instance: Exports | null = null;
  private compiled: object | null | undefined; // undefined: not tried yet; null: unavailable
  private relaxedAllowed = true;
  private heap32 = new Float32Array(0);
  private heap64 = new Float64Array(0);

  constructor(
    private readonly simdBase64: string,
    private readonly relaxedBase64: string,
  ) {}

  /** The instance, loading it if need be; null where it cannot load. */
  get(): Exports | null {
    if (this.instance !== null || this.compiled === null) return this.instance;
    try {
      if (this.compiled === undefined) this.compile();
      const api = webAssembly();
      this.instance = new api.Instance(this.compiled as object, {}).exports as Exports;
    } catch (error) {
      this.compiled = null;
      this.variant = null;
      this.unavailable = error instanceof Error ? error.message : String(error);
    }
    return this.instance;
  }

  /**
   * The instance, its memory grown to at least `bytes`; null where it cannot load, or its memory
   * cannot grow that far (past what the engine or the machine allows).
   */
  reserve(bytes: number): Exports | null {
    const kernels = this.get();
    if (kernels === null) return null;
    const memory = kernels.memory;
    if (bytes > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      } catch {
        return null;
      }
    }
    return kernels;
  }

  /** A view of the live instance's memory as floats of `size` bytes (4 or 8), made again after it grew. */
  heap(size: number): Float32Array | Float64Array {
    const buffer = (this.instance as Exports).memory.buffer;
    if (size === 4) {
      if (this.heap32.buffer !== buffer) this.heap32 = new Float32Array(buffer);
      return this.heap32;
    }
    if (this.heap64.buffer !== buffer) this.heap64 = new Float64Array(buffer);
    return this.heap64;
  }

  /**
   * After a call: drops the instance if its memory grew past RETAIN_BYTES, so one large operation
   * does not pin its operands' size for the life of the page (the next call instantiates the
   * compiled module again, with a small memory).
   */
  release(): void {
    if (this.instance !== null && this.instance.memory.buffer.byteLength > RETAIN_BYTES) {
      this.drop();
    }
  }

  /** Drops the instance: the next `get()` makes a fresh one (with a fresh, small memory). */
  drop(): void {
    this.instance = null;
    this.heap32 = new Float32Array(0);
    this.heap64 = new Float64Array(0);
  }

  /** Forgets everything, so the next `get()` loads again (for tests). */
  reset(allowRelaxed: boolean): void {
    this.relaxedAllowed = allowRelaxed;
    this.compiled = undefined;
    this.variant = null;
    this.unavailable = '';
    this.drop();
  }

  /** Compiles the build this engine takes: relaxed SIMD where allowed and accepted, else SIMD. */
  private compile(): void {
    const api = webAssembly();
    const relaxed = decodeBase64(this.relaxedBase64);
    const simd = decodeBase64(this.simdBase64);
    const variant: WasmVariant | null =
      this.relaxedAllowed && api.validate(relaxed)
        ? 'relaxed-simd'
        : api.validate(simd)
          ? 'simd'
          : null;
    if (variant === null) throw new Error('this engine does not support WebAssembly SIMD');
    this.compiled = new api.Module(variant === 'relaxed-simd' ? relaxed : simd);
    this.variant = variant;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 to bytes (atob is not an ECMAScript global). */
function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    value = (value << 6) | BASE64.indexOf(clean[i] as string);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (value >> bits) & 0xff;
    }
  }
  return bytes;
}
