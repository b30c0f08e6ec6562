// Types for build-wasm.mjs, for the test that checks the committed generated modules.

/** Both binaries compiled from one WAT source: as written, and its relaxed-SIMD twin. */
export function compileWat(path: string): Promise<{ simd: Uint8Array; relaxed: Uint8Array }>;

/** The generated modules that differ from a fresh compile of their sources (empty when current). */
export function staleModules(): Promise<{ path: string; text: string }[]>;
