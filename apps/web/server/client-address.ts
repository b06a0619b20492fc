// The client's IP address (SPEC §17): `X-Forwarded-For` is believed only hop by hop through proxies
// in TRUSTED_PROXIES (proxy-addr, the resolution Express uses); without trusted proxies it is the
// connection's address, so a client cannot name its own address to dodge a limit or fake the audit log.
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

export type ClientAddressOf = (req: IncomingMessage) => string;

/** Resolves a request's client address with the given trusted proxies (addresses, CIDR ranges). */
export function clientAddressResolver(trustedProxies: readonly string[]): ClientAddressOf {
  if (trustedProxies.length === 0) return (req) => req.socket.remoteAddress ?? "";
  const trust = proxyAddr.compile([...trustedProxies]);
  return (req) => {
    try {
      return proxyAddr(req, trust);
    } catch {
      // A malformed header never fails the request: the connection's address is the honest answer.
      return req.socket.remoteAddress ?? "";
    }
  };
}
