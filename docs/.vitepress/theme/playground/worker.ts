// The training worker: a Session of @backprop/playground answering the page's messages, so that
// training never blocks the page.
import { serveWorker } from '@backprop/playground';

serveWorker(self);
