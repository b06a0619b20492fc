import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { periodicJobEvent } from "@rm/events";
import { runPeriodic } from "../src/handlers/run-periodic.ts";
import { ensurePeriodicJobs, periodicKey } from "../src/periodic/periodic-jobs.ts";
import { MIN_RETENTION_MS, periodicOptions } from "../src/periodic/periodic-options.ts";
import { purgeFinishedWork } from "../src/periodic/purge-finished-work.ts";
import { type Harness, setupHarness } from "./handler-fixtures.ts";

const NOW = "2026-11-23T12:05:30.000Z";
const DAY = 24 * 60 * 60_000;
let h: Harness;

beforeAll(async () => {
  h = await setupHarness(NOW);
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.orm.em.fork().execute("delete from outbox");
  await h.orm.em.fork().execute("delete from provider_status_events");
  h.clock.set(NOW);
});

const daysAgo = (days: number) => new Date(new Date(NOW).getTime() - days * DAY);

async function outboxRow(key: string, status: string, availableAt: Date): Promise<void> {
  await h.orm.em
    .fork()
    .execute("insert into outbox (stream, type, payload, idempotency_key, status, available_at) values ('dispatch', 'message.send', '{}', ?, ?, ?)", [key, status, availableAt]);
}

/** Status callbacks arrive in id order, as the webhook's inserts give them. */
async function statusEvent(sid: string, receivedAt: Date, applied: boolean): Promise<void> {
  await h.orm.em
    .fork()
    .execute(
      "insert into provider_status_events (provider_sid, status, params, received_at, available_at, applied_at, outcome) values (?, 'delivered', '{}', ?, ?, ?, ?)",
      [sid, receivedAt, receivedAt, applied ? receivedAt : null, applied ? "applied" : null],
    );
}

const keys = async () => (await h.orm.em.fork().execute<{ k: string }[]>("select idempotency_key as k from outbox order by 1")).map((r) => r.k);
const sids = async () => (await h.orm.em.fork().execute<{ s: string }[]>("select provider_sid as s from provider_status_events order by id")).map((r) => r.s);

describe("retention of finished work", () => {
  it("deletes done and cancelled outbox rows and applied callbacks older than the retention, and nothing else", async () => {
    await outboxRow("old-done", "done", daysAgo(9));
    await outboxRow("old-cancelled", "cancelled", daysAgo(8));
    await outboxRow("old-pending", "pending", daysAgo(9)); // overdue work is never purged
    await outboxRow("old-published", "published", daysAgo(9));
    await outboxRow("young-done", "done", daysAgo(6));
    await statusEvent("SM-old-applied", daysAgo(9), true);
    await statusEvent("SM-old-unapplied", daysAgo(9), false);
    await statusEvent("SM-young-applied", daysAgo(1), true);

    const summary = await purgeFinishedWork(h.deps, h.clock.now(), periodicOptions({ retentionMs: 7 * DAY }));

    expect(summary).toEqual({ outboxRows: 2, statusEvents: 1, more: false });
    expect(await keys()).toEqual(["old-pending", "old-published", "young-done"]);
    expect(await sids()).toEqual(["SM-old-unapplied", "SM-young-applied"]);
  });

  it("works in batches until nothing old is left", async () => {
    for (let i = 0; i < 25; i++) await outboxRow(`done-${String(i).padStart(2, "0")}`, "done", daysAgo(10));
    for (let i = 0; i < 12; i++) await statusEvent(`SM${i}`, daysAgo(10), true);
    const summary = await purgeFinishedWork(h.deps, h.clock.now(), periodicOptions({ purgeBatchSize: 4 }));
    expect(summary).toEqual({ outboxRows: 25, statusEvents: 12, more: false });
    expect(await keys()).toEqual([]);
  });

  it("stops starting batches when its time budget is spent and says there is more", async () => {
    for (let i = 0; i < 10; i++) await outboxRow(`done-${i}`, "done", daysAgo(10));
    const summary = await purgeFinishedWork(h.deps, h.clock.now(), { ...periodicOptions({ purgeBatchSize: 2 }), purgeBudgetMs: -1 });
    expect(summary).toEqual({ outboxRows: 0, statusEvents: 0, more: true });
    expect(await keys()).toHaveLength(10);
  });

  it("never keeps finished work for less than four days, whatever is configured", async () => {
    expect(periodicOptions({ retentionMs: 60_000 }).retentionMs).toBe(MIN_RETENTION_MS);
    await outboxRow("three-days", "done", daysAgo(3)); // inside Stripe's three days of redelivery
    await outboxRow("five-days", "done", daysAgo(5));
    await purgeFinishedWork(h.deps, h.clock.now(), periodicOptions({ retentionMs: 60_000 }));
    expect(await keys()).toEqual(["three-days"]);
  });

  it("runs as the periodic job retention.purge and schedules its next slot", async () => {
    await outboxRow("old-done", "done", daysAgo(9));
    await ensurePeriodicJobs(h.orm.em.fork(), h.clock.now());
    const key = periodicKey("retention.purge", new Date("2026-11-23T12:00:00.000Z"));
    const [row] = await h.orm.em
      .fork()
      .execute<{ id: string; type: string; payload: unknown }[]>("update outbox set status = 'published', published_at = ? where idempotency_key = ? returning id::text as id, type, payload", [h.clock.now(), key]);
    await runPeriodic(h.deps, { outboxId: row!.id, type: row!.type, workspaceId: null, payload: JSON.stringify(row!.payload), traceparent: "" });

    expect(await keys()).not.toContain("old-done");
    expect(h.logger.lines.at(-1)).toMatchObject({ obj: { job: "retention.purge", outboxRows: 1, statusEvents: 0, more: false }, msg: "periodic job done" });
    const slots = (await keys()).filter((k) => k.startsWith(periodicJobEvent.keyPrefix("retention.purge")));
    expect(slots).toEqual([key, periodicKey("retention.purge", new Date("2026-11-23T12:10:00.000Z"))]);
  });
});
