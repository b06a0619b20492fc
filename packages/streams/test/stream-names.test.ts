import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry } from "../src/stream-entry.ts";
import { allStreamKeys, partitionOf, streamKey } from "../src/stream-names.ts";

describe("stream names", () => {
  it("keys carry a cluster hash tag per partition", () => {
    const naming = { prefix: "rm:", partitions: 4 };
    expect(streamKey(naming, "dispatch", 3)).toBe("rm:stream:dispatch:{3}");
    expect(allStreamKeys(naming, "inbound")).toEqual(["rm:stream:inbound:{0}", "rm:stream:inbound:{1}", "rm:stream:inbound:{2}", "rm:stream:inbound:{3}"]);
  });

  it("partitions a workspace stably and spreads workspaces", () => {
    const ws = "2f1c6f0e-5a7e-4b8e-9d55-0c8a3f4e2b11";
    expect(partitionOf(ws, 8)).toBe(partitionOf(ws, 8));
    expect(partitionOf(null, 8)).toBe(0);
    expect(partitionOf(ws, 1)).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(partitionOf(`workspace-${i}`, 8));
    expect(seen.size).toBe(8);
  });
});

describe("stream entries", () => {
  it("round-trips through the flat field list", () => {
    const entry = { outboxId: "42", type: "message.send", workspaceId: "w1", payload: '{"messageId":"m1"}', traceparent: "" };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    expect(decodeEntry(encodeEntry({ ...entry, workspaceId: null }))?.workspaceId).toBeNull();
    // Absent workspace and trace context are left out of the entry, and entries written with them
    // empty (before) still decode the same.
    expect(encodeEntry({ ...entry, workspaceId: null, traceparent: "" })).toEqual(["o", entry.outboxId, "t", entry.type, "p", entry.payload]);
    expect(decodeEntry(["o", entry.outboxId, "t", entry.type, "w", "", "p", entry.payload, "tp", ""])).toEqual({ ...entry, workspaceId: null, traceparent: "" });
  });

  it("rejects entries it cannot read", () => {
    expect(decodeEntry(null)).toBeNull();
    expect(decodeEntry(["o", "abc", "t", "x", "p", "{}"])).toBeNull();
    expect(decodeEntry(["t", "x", "p", "{}"])).toBeNull();
  });
});
