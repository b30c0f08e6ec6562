// Types for build-worker.mjs, for the test that checks the committed generated module.

/** The matmul worker bundled into one CommonJS script. */
export function bundleWorker(): Promise<string>;

/** The generated module's path and fresh text, and whether the committed file differs from it. */
export function staleWorker(): Promise<{ path: string; text: string; stale: boolean }>;
