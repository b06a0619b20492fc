import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueOutbox } from "@rm/db";
import { onDeadLetter } from "../src/handlers/dead-letter.ts";
import { createHandlers, dispatchEntry } from "../src/handlers/index.ts";
import { runPeriodic } from "../src/handlers/run-periodic.ts";
import { ensurePeriodicJobs, periodicKey } from "../src/periodic/periodic-jobs.ts";
import { type Harness, outboxRow, publishedEntry, setupHarness } from "./handler-fixtures.ts";
import { periodicJobEvent } from "@rm/events";

let h: Harness;
beforeAll(async () => {
  h = await setupHarness("2026-11-23T12:05:30.000Z");
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.orm.em.fork().execute("delete from outbox");
  h.clock.set("2026-11-23T12:05:30.000Z");
});

async function rowsByKeyPrefix(prefix: string) {
  return h.orm.em
    .fork()
    .execute<{ id: string; idempotency_key: string; status: string; available_at: Date; type: string; stream: string; payload: unknown }[]>(
      "select id::text as id, idempotency_key, status, available_at, type, stream, payload from outbox where idempotency_key like ? order by idempotency_key",
      [`${prefix}%`],
    )
    .then((rows) => rows.map((r) => ({ ...r, available_at: new Date(r.available_at) })));
}

/** The periodic row of a slot, published as the relay would have done it. */
async function publishSlot(key: string) {
  const [row] = await h.orm.em.fork().execute<{ id: string; type: string; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where idempotency_key = ? returning id::text as id, type, payload",
    [h.clock.now(), key],
  );
  return { outboxId: row!.id, type: row!.type, workspaceId: null, payload: JSON.stringify(row!.payload), traceparent: "" };
}

describe("periodic slots", () => {
  it("creates each slot's row once however many workers ensure it", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ensurePeriodicJobs(h.orm.em.fork(), h.clock.now())));
    expect(results.reduce((a, b) => a + b, 0)).toBe(8);
    h.clock.advance(20_000); // same slots
    expect(await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now())).toBe(0);
    const rows = await rowsByKeyPrefix(periodicJobEvent.keyPrefix());
    expect(rows.map((r) => [r.idempotency_key, r.stream, r.type, r.status, r.available_at.toISOString()])).toEqual([
      [periodicKey("analytics.fold", new Date("2026-11-23T12:05:00.000Z")), "periodic", "analytics.fold", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("campaign.complete", new Date("2026-11-23T12:05:00.000Z")), "periodic", "campaign.complete", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("conversation.unanswered", new Date("2026-11-23T12:05:00.000Z")), "periodic", "conversation.unanswered", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("delivery.reconcile", new Date("2026-11-23T12:05:00.000Z")), "periodic", "delivery.reconcile", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("inbound.reconcile", new Date("2026-11-23T12:05:00.000Z")), "periodic", "inbound.reconcile", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("outbox.sweep", new Date("2026-11-23T12:05:00.000Z")), "periodic", "outbox.sweep", "pending", "2026-11-23T12:05:00.000Z"],
      [periodicKey("retention.purge", new Date("2026-11-23T12:00:00.000Z")), "periodic", "retention.purge", "pending", "2026-11-23T12:00:00.000Z"],
      [periodicKey("whatsapp.approvals", new Date("2026-11-23T12:05:00.000Z")), "periodic", "whatsapp.approvals", "pending", "2026-11-23T12:05:00.000Z"],
    ]);
  });

  it("a finished job enqueues its next slot in the same transaction, and a duplicate run does nothing", async () => {
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now());
    const entry = await publishSlot(periodicKey("outbox.sweep", new Date("2026-11-23T12:05:00.000Z")));
    await runPeriodic(h.deps, entry);
    await runPeriodic(h.deps, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const sweeps = await rowsByKeyPrefix(periodicJobEvent.keyPrefix("outbox.sweep"));
    expect(sweeps.map((r) => [r.idempotency_key, r.status])).toEqual([
      [periodicKey("outbox.sweep", new Date("2026-11-23T12:05:00.000Z")), "done"],
      [periodicKey("outbox.sweep", new Date("2026-11-23T12:06:00.000Z")), "pending"],
    ]);
  });

  it("'whatsapp.approvals' runs the follow-up the worker wires, with the slot's time, and enqueues its next slot", async () => {
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now());
    const entry = await publishSlot(periodicKey("whatsapp.approvals", new Date("2026-11-23T12:05:00.000Z")));
    const asked: string[] = [];
    await runPeriodic({ ...h.deps, followWhatsAppApprovals: async (now) => (asked.push(now.toISOString()), { checked: 0 }) }, entry);
    expect(asked).toEqual([h.clock.now().toISOString()]);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const rows = await rowsByKeyPrefix(periodicJobEvent.keyPrefix("whatsapp.approvals"));
    expect(rows.map((r) => [r.idempotency_key, r.status])).toEqual([
      [periodicKey("whatsapp.approvals", new Date("2026-11-23T12:05:00.000Z")), "done"],
      [periodicKey("whatsapp.approvals", new Date("2026-11-23T12:10:00.000Z")), "pending"],
    ]);
  });

  it("after downtime the next slot is the one after now, not a replay of every missed slot", async () => {
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now());
    const entry = await publishSlot(periodicKey("delivery.reconcile", new Date("2026-11-23T12:05:00.000Z")));
    h.clock.set("2026-11-23T14:02:00.000Z");
    await runPeriodic(h.deps, entry); // no twilio client: logs and completes
    const rows = await rowsByKeyPrefix(periodicJobEvent.keyPrefix("delivery.reconcile"));
    expect(rows.map((r) => r.idempotency_key)).toEqual([periodicKey("delivery.reconcile", new Date("2026-11-23T12:05:00.000Z")), periodicKey("delivery.reconcile", new Date("2026-11-23T14:05:00.000Z"))]);
  });

  it("intervals are options", async () => {
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now(), { sweepIntervalMs: 15_000 });
    expect((await rowsByKeyPrefix(periodicJobEvent.keyPrefix("outbox.sweep"))).map((r) => r.idempotency_key)).toEqual([periodicKey("outbox.sweep", new Date("2026-11-23T12:05:30.000Z"))]);
  });

  it("analytics.fold builds the rollups, then folds the deltas the triggers wrote, and schedules its next slot", async () => {
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now());
    const entry = await publishSlot(periodicKey("analytics.fold", new Date("2026-11-23T12:05:00.000Z")));
    await runPeriodic(h.deps, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    const rollups = await h.orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from analytics_rollups");
    const workspaces = await h.orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from workspaces");
    expect(rollups[0]!.n).toBe(workspaces[0]!.n);
    expect(h.logger.lines.at(-1)).toMatchObject({ obj: { job: "analytics.fold", rebuilt: Number(workspaces[0]!.n) }, msg: "periodic job done" });
    const rows = await rowsByKeyPrefix(periodicJobEvent.keyPrefix("analytics.fold"));
    expect(rows.map((r) => [r.idempotency_key, r.status])).toEqual([
      [periodicKey("analytics.fold", new Date("2026-11-23T12:05:00.000Z")), "done"],
      [periodicKey("analytics.fold", new Date("2026-11-23T12:06:00.000Z")), "pending"],
    ]);
  });

  it("parks a periodic row with an unreadable payload", async () => {
    const entry = await publishedEntry(h.orm, h.clock, { stream: "periodic", type: "outbox.sweep", payload: { slot: "yesterday" } });
    await runPeriodic(h.deps, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("cancelled");
  });
});

describe("outbox.sweep", () => {
  it("republishes only rows published but not done for longer than the timeout, never its own row", async () => {
    const now = h.clock.now();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    const key = (k: string) => `sweep-test:${k}`;
    await enqueueOutbox(h.orm.em.fork(), [
      { workspaceId: null, stream: "dispatch", type: "x", payload: {}, idempotencyKey: key("stale"), availableAt: minutesAgo(20) },
      { workspaceId: null, stream: "dispatch", type: "x", payload: {}, idempotencyKey: key("fresh"), availableAt: minutesAgo(20) },
      { workspaceId: null, stream: "dispatch", type: "x", payload: {}, idempotencyKey: key("done"), availableAt: minutesAgo(20) },
      { workspaceId: null, stream: "dispatch", type: "x", payload: {}, idempotencyKey: key("pending"), availableAt: minutesAgo(20) },
      { workspaceId: null, stream: "dispatch", type: "x", payload: {}, idempotencyKey: key("locked"), availableAt: minutesAgo(20) },
    ]);
    const em = h.orm.em.fork();
    await em.execute("update outbox set status = 'published', published_at = ? where idempotency_key in (?, ?)", [minutesAgo(6), key("stale"), key("locked")]);
    await em.execute("update outbox set status = 'published', published_at = ? where idempotency_key = ?", [minutesAgo(1), key("fresh")]);
    await em.execute("update outbox set status = 'done', published_at = ?, done_at = ? where idempotency_key = ?", [minutesAgo(10), minutesAgo(9), key("done")]);

    // The sweep's own row was published long ago too (e.g. a slow relay clock).
    await ensurePeriodicJobs(h.orm.em.fork(), now);
    const sweepKey = periodicKey("outbox.sweep", new Date("2026-11-23T12:05:00.000Z"));
    const entry = await publishSlot(sweepKey);
    await em.execute("update outbox set published_at = ? where idempotency_key = ?", [minutesAgo(30), sweepKey]);

    // A handler is working on "locked" right now: not lost, not swept.
    const holder = h.orm.em.fork();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = holder.transactional(async (tem) => {
      await tem.execute("select id from outbox where idempotency_key = ? for update", [key("locked")]);
      locked();
      await held;
    });
    await isLocked;
    await runPeriodic(h.deps, entry);
    release();
    await holding;

    const rows = Object.fromEntries((await rowsByKeyPrefix("sweep-test:")).map((r) => [r.idempotency_key.slice("sweep-test:".length), r]));
    expect(rows.stale).toMatchObject({ status: "pending", available_at: now });
    expect(rows.fresh!.status).toBe("published");
    expect(rows.done!.status).toBe("done");
    expect(rows.pending!.available_at).toEqual(minutesAgo(20));
    expect(rows.locked!.status).toBe("published");
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    expect(h.logger.lines.findLast((l) => l.msg === "periodic job done" && (l.obj as { job: string }).job === "outbox.sweep")?.obj).toMatchObject({ republished: 1 });
  });
});

describe("dead letters and the handler map", () => {
  it("parks the dead-lettered entry's outbox row with the reason; unreadable entries are only logged", async () => {
    const entry = await publishedEntry(h.orm, h.clock, { stream: "provider-status", type: "twilio.status", payload: { params: {} } });
    await onDeadLetter(h.deps, { stream: "rm:stream:provider-status:{0}", id: "1-0", entry, deliveries: 6, reason: "boom" });
    expect(await outboxRow(h.orm, entry.outboxId)).toMatchObject({ status: "cancelled", last_error: "dead letter after 6 deliveries: boom" });

    await onDeadLetter(h.deps, { stream: "rm:stream:inbound:{0}", id: "2-0", entry: null, deliveries: 0, reason: "undecodable entry" });
    expect(h.logger.lines.at(-1)).toMatchObject({ level: "error", msg: "unreadable dead-lettered entry; nothing to park" });

    // A row that did finish is never parked.
    const done = await publishedEntry(h.orm, h.clock, { stream: "dispatch", type: "x", payload: {} });
    await h.orm.em.fork().execute("update outbox set status = 'done' where id = ?", [done.outboxId]);
    await onDeadLetter(h.deps, { stream: "s", id: "3-0", entry: done, deliveries: 6, reason: "late" });
    expect((await outboxRow(h.orm, done.outboxId)).status).toBe("done");
  });

  it("parks and logs a dead letter's reason without the phone or e-mail it quotes", async () => {
    const entry = await publishedEntry(h.orm, h.clock, { stream: "dispatch", type: "message.send", payload: {} });
    await onDeadLetter(h.deps, { stream: "rm:stream:dispatch:{0}", id: "4-0", entry, deliveries: 6, reason: "send to whatsapp:+593987654321 failed for ana.torres@example.ec" });
    expect(await outboxRow(h.orm, entry.outboxId)).toMatchObject({ status: "cancelled", last_error: "dead letter after 6 deliveries: send to whatsapp:<phone> failed for <email>" });
    const line = JSON.stringify(h.logger.lines.at(-1));
    expect(line).toContain("outbox row parked after dead letter");
    expect(line).not.toContain("987654321");
    expect(line).not.toContain("ana.torres");
  });

  it("maps every type it runs, takes extra handlers, and rejects unknown types", async () => {
    const calls: string[] = [];
    const handlers = createHandlers(h.deps, { "message.send": async (_deps, e) => void calls.push(e.outboxId) });
    // 'campaign.complete' is @rm/campaigns' job: the worker adds its handler (periodicJobHandler).
    expect(Object.keys(handlers).sort()).toEqual(["analytics.fold", "conversation.unanswered", "delivery.reconcile", "feedback.reminder", "inbound.reconcile", "message.send", "outbox.sweep", "retention.purge", "twilio.inbound", "twilio.status", "whatsapp.approvals"]);
    const dispatch = dispatchEntry(handlers);
    await dispatch({ outboxId: "7", type: "message.send", workspaceId: null, payload: "{}", traceparent: "" });
    expect(calls).toEqual(["7"]);
    await expect(dispatch({ outboxId: "8", type: "nope", workspaceId: null, payload: "{}", traceparent: "" })).rejects.toThrow(/no handler/);
  });
});
