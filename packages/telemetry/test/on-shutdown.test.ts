import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createLogger, onShutdown } from "../src/index.ts";

const logger = createLogger("test", "silent");

function setup(handlers: Parameters<typeof onShutdown>[1], deadlineMs = 1_000, duplicateSignalMs = 0) {
  const proc = new EventEmitter();
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const firstExit = new Promise<number>((r) => (exited = r));
  const trigger = onShutdown(logger, handlers, {
    deadlineMs,
    duplicateSignalMs,
    processLike: proc,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  });
  return { proc, exits, firstExit, trigger };
}

describe("onShutdown", () => {
  it("runs handlers once, in order, then exits 0", async () => {
    const calls: string[] = [];
    const { proc, exits, firstExit } = setup([
      { name: "loop", close: async () => void calls.push("loop") },
      { name: "redis", close: () => void calls.push("redis") },
      { name: "telemetry", close: async () => void calls.push("telemetry") },
    ]);
    proc.emit("SIGTERM", "SIGTERM");
    expect(await firstExit).toBe(0);
    expect(calls).toEqual(["loop", "redis", "telemetry"]);
    expect(exits).toEqual([0]);
    // Listeners are removed once done.
    expect(proc.listenerCount("SIGTERM")).toBe(0);
  });

  it("keeps going when a handler fails", async () => {
    const calls: string[] = [];
    const { exits, trigger } = setup([
      { name: "a", close: () => Promise.reject(new Error("nope")) },
      { name: "b", close: () => void calls.push("b") },
    ]);
    await trigger("test");
    expect(calls).toEqual(["b"]);
    expect(exits).toEqual([0]);
  });

  it("exits 1 on a second signal", async () => {
    const { proc, exits } = setup([{ name: "slow", close: () => new Promise(() => {}) }]);
    proc.emit("SIGTERM", "SIGTERM");
    proc.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([1]);
  });

  it("ignores a duplicate delivery of the signal right after the first", async () => {
    const { proc, exits } = setup([{ name: "slow", close: () => new Promise((r) => setTimeout(r, 50)) }], 1_000, 500);
    proc.emit("SIGTERM", "SIGTERM");
    proc.emit("SIGTERM", "SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    expect(exits).toEqual([0]);
  });

  it("exits 1 when the deadline passes", async () => {
    const { proc, firstExit } = setup([{ name: "hung", close: () => new Promise(() => {}) }], 50);
    proc.emit("SIGTERM", "SIGTERM");
    expect(await firstExit).toBe(1);
  });
});
