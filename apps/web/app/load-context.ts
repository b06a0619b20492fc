// What every loader and action receives as `context` (built per request by server/remix.ts).
import type { EntityManager } from "@mikro-orm/postgresql";

export interface WebLoadContext {
  /** A fresh EntityManager fork for this request only; scope tenant queries with workspaceEm(). */
  em: EntityManager;
  /** Correlates log lines (also sent back as the `x-request-id` header). */
  requestId: string;
  /** The peer address (behind the ingress: the proxy until trusted-proxy handling is added). */
  clientAddress: string;
  /**
   * Set by requireUser once the request is signed in: the response then gets
   * `Cache-Control: private, no-store` (server/remix.ts), whatever the route returned.
   */
  authenticated: boolean;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends WebLoadContext {}
}
