// The training worker: a Session of @backprop/playground answering the page's messages, so that
// training never blocks the page.
import { serveWorker, type WorkerScopeLike } from '@backprop/playground';

// The docs' DOM typings see `self` as a Window; here it is the DedicatedWorkerGlobalScope.
serveWorker(self as unknown as WorkerScopeLike);
