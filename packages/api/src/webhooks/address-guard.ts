// Outgoing webhooks never reach inside the cluster or the cloud's metadata service (SPEC §15, §17):
// every address a receiver's name resolves to is checked when the socket connects (the `lookup` the
// request uses), so a name that resolves to a public address when the endpoint is saved and to
// 127.0.0.1 later (DNS rebinding) is refused at delivery too. Only `unicast` addresses pass:
// private, loopback, link-local (169.254.169.254), unique-local, CGNAT, multicast, reserved and the
// IPv4-mapped forms of all of them are refused (ipaddr.js's range table).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import ipaddr from "ipaddr.js";

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
  readonly host: string;
  readonly address: string;
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private, loopback or link-local address`);
    this.host = host;
    this.address = address;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect that resolves every address of the name and fails when
 * any of them is not public. `allowPrivate` (development and tests only) lets them through.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void => {
    const family = typeof options === "number" ? options : (options.family ?? 0);
    dnsLookup(hostname, { all: true, family, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const blocked = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (blocked) return callback(new BlockedAddressError(hostname, blocked.address) as unknown as NodeJS.ErrnoException, []);
      if (list.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      if (typeof options === "object" && options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Resolves `hostname` now; the first address that is not public, else null (saving an endpoint). */
export function firstBlockedAddress(hostname: string): Promise<string | null> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(bare)) return Promise.resolve(isPublicAddress(bare) ? null : bare);
  return new Promise((resolve) => {
    dnsLookup(bare, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return resolve(null); // unresolvable now: checked again at each delivery
      const blocked = (addresses as LookupAddress[]).find((a) => !isPublicAddress(a.address));
      resolve(blocked ? blocked.address : null);
    });
  });
}
