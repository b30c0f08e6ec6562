// @backprop/core/node: what only Node can do (worker threads). The main entry stays free of Node
// APIs, so it runs in browsers unchanged.
export { getThreadCount, stopThreads, useThreads } from './node/threads.js';
