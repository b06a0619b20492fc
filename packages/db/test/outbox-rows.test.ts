// The outbox primitive's batch statements, as the send path and the opt-out use them: a cancel
// touches only the keys and states it is given, and rows deferred to their rate-limit slots wait for
// their own slot with it in their payload, the relays woken once the transaction commits.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cancelOutboxByKeys, completeOutboxRow, deferToRateSlots, enqueueOutbox, parkOutboxRow, retryOutboxRowAt } from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm(4);
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.orm.em.fork().execute("delete from outbox");
});

const due = new Date("2026-12-06T07:00:00Z");

async function rows(): Promise<Record<string, { id: string; status: string; last_error: string | null; available_at: Date; payload: Record<string, unknown> }>> {
  const list = await t.orm.em.fork().execute<{ id: string; idempotency_key: string; status: string; last_error: string | null; available_at: Date | string; payload: Record<string, unknown> }[]>(
    "select id::text as id, idempotency_key, status, last_error, available_at, payload from outbox",
  );
  // Raw queries hand timestamps back as text.
  return Object.fromEntries(list.map((r) => [r.idempotency_key, { ...r, available_at: new Date(r.available_at) }]));
}

async function enqueue(keys: string[]): Promise<void> {
  await enqueueOutbox(
    t.orm.em.fork(),
    keys.map((k) => ({ workspaceId: null, stream: "dispatch", type: "x", payload: { k }, idempotencyKey: k, availableAt: due })),
  );
}

describe("outbox rows", () => {
  it("a batch cancel takes out only the given keys still in the given states, with the reason", async () => {
    await enqueue(["a", "b", "c", "d", "e"]);
    await t.orm.em.fork().execute("update outbox set status = 'published' where idempotency_key in ('b', 'e')");
    await t.orm.em.fork().execute("update outbox set status = 'done' where idempotency_key = 'c'");

    await t.orm.em.fork().transactional((em) => cancelOutboxByKeys(em, ["a", "b", "c"], "El paciente pidió no recibir mensajes", ["pending", "published"]));
    await t.orm.em.fork().transactional((em) => cancelOutboxByKeys(em, ["e"], "rated", ["pending"]));

    const r = await rows();
    expect(r.a).toMatchObject({ status: "cancelled", last_error: "El paciente pidió no recibir mensajes" });
    expect(r.b).toMatchObject({ status: "cancelled", last_error: "El paciente pidió no recibir mensajes" });
    // Finished work stays finished; a key not named is untouched; a published row outside the states runs.
    expect(r.c).toMatchObject({ status: "done", last_error: null });
    expect(r.d).toMatchObject({ status: "pending", last_error: null });
    expect(r.e).toMatchObject({ status: "published", last_error: null });
  });

  it("last_error never keeps a phone number, e-mail address or token the error quoted", async () => {
    await enqueue(["retry", "park", "done"]);
    const ids = Object.fromEntries(Object.entries(await rows()).map(([k, r]) => [k, r.id]));
    const error = "provider unavailable; +593 98 765 4321 / ana.torres@example.ec via https://rm.example.com/f/AbCdEfGhIjKlMnOpQrSt?sig=zz";
    await t.orm.em.fork().transactional(async (em) => {
      await retryOutboxRowAt(em, ids.retry!, due, error);
      await parkOutboxRow(em, ids.park!, `dead letter: ${error}`);
      await completeOutboxRow(em, ids.done!, due, `gave up: ${error}`);
    });
    const r = await rows();
    for (const key of ["retry", "park", "done"]) {
      expect(r[key]!.last_error).toContain("<phone> / <email> via https://rm.example.com/f/<token>?<redacted>");
      expect(r[key]!.last_error).not.toMatch(/765|ana\.torres|AbCdEf|sig=/);
    }
  });

  it("deferred rows wait for their own slot with it in the payload, and the relays hear of it once committed", async () => {
    await enqueue(["s1", "s2", "other"]);
    await t.orm.em.fork().execute("update outbox set status = 'published'");
    const before = await rows();
    const slot1 = due.getTime() + 1_250;
    const slot2 = due.getTime() + 60_000;

    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    try {
      const heard: number[] = [];
      listener.on("notification", (n) => n.channel === "outbox" && heard.push(Date.now()));
      await listener.query("listen outbox");
      let committedAt = 0;
      await t.orm.em.fork().transactional(async (em) => {
        await deferToRateSlots(em, [
          { outboxId: before.s1!.id, slotAt: slot1 },
          { outboxId: before.s2!.id, slotAt: slot2 },
        ]);
        await new Promise((r) => setTimeout(r, 100));
        committedAt = Date.now();
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.length).toBe(1);
      expect(heard[0]).toBeGreaterThanOrEqual(committedAt);
    } finally {
      await listener.end();
    }

    const r = await rows();
    expect(r.s1).toMatchObject({ status: "pending", last_error: "rate limited: waiting for its slot", available_at: new Date(slot1), payload: { k: "s1", rateSlotAt: slot1 } });
    expect(r.s2).toMatchObject({ status: "pending", available_at: new Date(slot2), payload: { k: "s2", rateSlotAt: slot2 } });
    expect(r.other).toMatchObject({ status: "published", available_at: due, payload: { k: "other" } });
  });
});
