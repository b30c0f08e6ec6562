// The page's side of the training worker: numbered requests, a promise for each one's first
// answer, and every answer (a run streams snapshots under its id) passed to one listener.
import type { PlaygroundRequest, PlaygroundResponse } from '@backprop/playground';

/** A request without its id: the client numbers them. */
export type RequestBody = PlaygroundRequest extends infer R
  ? R extends PlaygroundRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** Talks to worker.ts; create it in the browser only (onMounted), never while rendering on the server. */
export class PlaygroundClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, (response: PlaygroundResponse) => void>();

  /** `listener` gets every response, in order, including those that settle a `request`. */
  constructor(private readonly listener: (response: PlaygroundResponse) => void) {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<PlaygroundResponse>) => {
      const response = event.data;
      this.listener(response);
      this.waiting.get(response.id)?.(response);
      this.waiting.delete(response.id);
    };
    // A worker that fails to load or throws outside a request still gets a message on the page.
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.listener({
        id: 0,
        type: 'error',
        message: `the training worker failed: ${event.message}`,
      });
    };
  }

  /** The id of the latest request sent. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Sends `body`; resolves with the first response that carries its id. */
  request(body: RequestBody): Promise<PlaygroundResponse> {
    const id = this.nextId++;
    const answered = new Promise<PlaygroundResponse>((resolve) => this.waiting.set(id, resolve));
    this.worker.postMessage({ ...body, id } as PlaygroundRequest);
    return answered;
  }

  /** Stops the worker (the page is left). */
  close(): void {
    this.worker.terminate();
    this.waiting.clear();
  }
}
