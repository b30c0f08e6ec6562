// @backprop/core/node: what only Node can do (worker threads). The main entry stays free of Node
// APIs, so it runs in browsers unchanged.

/**
 * The Node-only part of `@backprop/core`: running large kernels on worker threads.
 * @module @backprop/core/node
 */
export { getThreadCount, stopThreads, useThreads } from './node/threads.js';
