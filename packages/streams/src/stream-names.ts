// One stream per kind of work (SPEC §2). Each kind can be split into partitions chosen by a hash
// of the workspace, so a Redis Cluster spreads them over nodes while per-workspace order is kept.
// The `{n}` hash tag pins all keys of one partition to one cluster slot.

import { STREAM_KINDS, type StreamKind } from "@rm/events";

export { STREAM_KINDS, type StreamKind };

export function isStreamKind(value: string): value is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(value);
}

export interface StreamNaming {
  /** Key prefix, e.g. "rm:" in production, a random prefix per test file. */
  prefix: string;
  /** Partitions per kind (1 = unpartitioned). */
  partitions: number;
}

export const CONSUMER_GROUP = "workers";

export function streamKey(naming: StreamNaming, kind: StreamKind, partition: number): string {
  return `${naming.prefix}stream:${kind}:{${partition}}`;
}

export function deadLetterKey(naming: StreamNaming, kind: StreamKind): string {
  return `${naming.prefix}dead:${kind}`;
}

export function allStreamKeys(naming: StreamNaming, kind: StreamKind): string[] {
  return Array.from({ length: naming.partitions }, (_, p) => streamKey(naming, kind, p));
}

/** Stable partition of a workspace (FNV-1a); rows without a workspace go to partition 0. */
export function partitionOf(workspaceId: string | null | undefined, partitions: number): number {
  if (!workspaceId || partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < workspaceId.length; i++) {
    hash ^= workspaceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
