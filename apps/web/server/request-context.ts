import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request facts the dispatcher knows before Remix builds its `Request`. */
export interface RequestContext {
  requestId: string;
  clientAddress: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
