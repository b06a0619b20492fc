import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "@rm/test-utils";
import { addEntries } from "../src/add-entries.ts";
import { decodeEntry, encodeEntry, type StreamEntry } from "../src/stream-entry.ts";

let r: TestRedis;
beforeEach(async () => {
  r = await createTestRedis();
});
afterEach(() => r.cleanup());

const entries: StreamEntry[] = Array.from({ length: 700 }, (_, i) => ({
  outboxId: String(1000 + i),
  type: i % 2 ? "message.send" : "campaign.complete",
  workspaceId: i % 3 ? `2f1c6f0e-5a7e-4b8e-9d55-0c8a3f4e${String(i).padStart(4, "0")}` : null,
  payload: JSON.stringify({ messageId: `m${i}`, text: "Ñandú ✓ \"quoted\"" }),
  traceparent: i % 5 ? "" : `00-${"a".repeat(32)}-${"b".repeat(16)}-01`,
}));

describe("addEntries", () => {
  it("adds every entry in order with one command, exactly as XADD of encodeEntry would", async () => {
    const key = `${r.prefix}stream:dispatch:{0}`;
    expect(await addEntries(r.client, key, entries)).toBe(700);
    const added = await r.client.xrange(key, "-", "+");
    expect(added.map(([, fields]) => decodeEntry(fields))).toEqual(entries);
    // Field for field what the pipelined XADD wrote (absent workspace and trace context left out).
    expect(added.map(([, fields]) => fields)).toEqual(entries.map(encodeEntry));
    // Loaded once per client: a second call runs the cached script.
    expect(await addEntries(r.client, key, entries.slice(0, 3))).toBe(3);
    expect(await r.client.xlen(key)).toBe(703);
  });

  it("fails the call when Redis refuses an entry", async () => {
    const key = `${r.prefix}not-a-stream`;
    await r.client.set(key, "a string, not a stream");
    await expect(addEntries(r.client, key, entries.slice(0, 5))).rejects.toThrow(/WRONGTYPE/);
    expect(await r.client.get(key)).toBe("a string, not a stream");
  });
});
