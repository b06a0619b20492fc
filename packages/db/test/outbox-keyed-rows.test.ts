import type { EntityManager } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOutboxByKeys, enqueueOutbox, executeBound, lockOutboxRowsByKey, outboxDueTimes, outboxInsertSelect, pgArray } from "../src/index.ts";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm();
});
afterAll(async () => t?.close());

const em = () => t.orm.em.fork();
let n = 0;
const key = (label: string) => `test.keyed:${label}:${++n}`;

async function rows(keys: readonly string[]) {
  return em().execute<{ idempotency_key: string; workspace_id: string | null; stream: string; type: string; payload: unknown; status: string; available_at: Date; trace_context: string | null; last_error: string | null }[]>(
    "select idempotency_key, workspace_id, stream, type, payload, status, available_at, trace_context, last_error from outbox where idempotency_key = any(?::text[]) order by idempotency_key",
    [pgArray(keys)],
  );
}

async function setStatus(k: string, status: string) {
  await em().execute("update outbox set status = ? where idempotency_key = ?", [status, k], "run");
}

/** Inserts an outbox row per (key, due) pair through outboxInsertSelect, as a set-based caller would. */
async function insertSelect(tem: EntityManager, workspaceId: string, items: readonly { key: string; due: Date }[], enabled = true) {
  await executeBound(
    tem,
    `with t as (select * from unnest(?::text[], ?::timestamptz[]) as t(k, due))
     ${outboxInsertSelect({ workspaceId: "?", stream: "dispatch", type: "test.keyed", payload: "jsonb_build_object('k', t.k)", key: "t.k", availableAt: "t.due", from: "t", where: "?::bool" })}`,
    [pgArray(items.map((i) => i.key)), pgArray(items.map((i) => i.due)), workspaceId, enabled],
  );
}

describe("outbox rows by idempotency key", () => {
  it("outboxInsertSelect writes the rows enqueueOutbox writes, and a key already there stays as it was", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    const due = new Date("2026-12-01T10:00:00Z");
    const [a, b] = [key("a"), key("b")];
    await enqueueOutbox(em(), { workspaceId, stream: "dispatch", type: "test.keyed", payload: { k: a }, idempotencyKey: a, availableAt: due, traceContext: null });
    await em().transactional((tem) => insertSelect(tem, workspaceId, [{ key: b, due }]));
    const [ra, rb] = await rows([a, b]);
    expect({ ...rb, idempotency_key: a, payload: { k: a } }).toEqual(ra);

    // Same key again, due later: the first row wins, as with enqueueOutbox.
    await em().transactional((tem) => insertSelect(tem, workspaceId, [{ key: b, due: new Date("2027-01-01T00:00:00Z") }]));
    expect(new Date((await rows([b]))[0]!.available_at)).toEqual(due);

    // The caller's condition decides whether any row is written.
    const c = key("c");
    await em().transactional((tem) => insertSelect(tem, workspaceId, [{ key: c, due }], false));
    expect(await rows([c])).toEqual([]);
  });

  it("outboxInsertSelect refuses a stream or type that is not a plain name", () => {
    const spec = { workspaceId: "?", payload: "'{}'::jsonb", key: "t.k", availableAt: "now()", from: "t" };
    expect(() => outboxInsertSelect({ ...spec, stream: "dispatch'; drop table outbox; --", type: "x" })).toThrow(/bad stream or type/);
    expect(() => outboxInsertSelect({ ...spec, stream: "dispatch", type: "Message Send" })).toThrow(/bad stream or type/);
  });

  it("cancelOutboxByKeys cancels only the given keys in the given statuses, with the reason", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    const now = new Date();
    const [pending, published, done, other] = [key("pending"), key("published"), key("done"), key("other")];
    await enqueueOutbox(
      em(),
      [pending, published, done, other].map((k) => ({ workspaceId, stream: "dispatch", type: "test.keyed", payload: {}, idempotencyKey: k, availableAt: now })),
    );
    await setStatus(published, "published");
    await setStatus(done, "done");

    await cancelOutboxByKeys(em(), [pending, published, done], "stopped", ["pending"]);
    expect((await rows([pending, published, done, other])).map((r) => [r.idempotency_key, r.status, r.last_error])).toEqual([
      [done, "done", null],
      [other, "pending", null],
      [pending, "cancelled", "stopped"],
      [published, "published", null],
    ]);

    await cancelOutboxByKeys(em(), [published, done], "stopped too", ["pending", "published"]);
    expect((await rows([published, done])).map((r) => [r.idempotency_key, r.status])).toEqual([
      [done, "done"],
      [published, "cancelled"],
    ]);
  });

  it("outboxDueTimes answers for the workspace's own rows only", async () => {
    const mine = await makeTenant(t.orm);
    const theirs = await makeTenant(t.orm);
    const due = new Date("2026-12-02T08:30:00Z");
    const [a, b, missing] = [key("due-a"), key("due-b"), key("missing")];
    await enqueueOutbox(em(), { workspaceId: mine.workspaceId, stream: "dispatch", type: "test.keyed", payload: {}, idempotencyKey: a, availableAt: due });
    await enqueueOutbox(em(), { workspaceId: theirs.workspaceId, stream: "dispatch", type: "test.keyed", payload: {}, idempotencyKey: b, availableAt: due });
    expect(await outboxDueTimes(em(), mine.workspaceId, [a, b, missing])).toEqual(new Map([[a, due]]));
    expect(await outboxDueTimes(em(), mine.workspaceId, [])).toEqual(new Map());
  });

  it("lockOutboxRowsByKey holds the rows still waiting until the transaction ends, and leaves finished rows alone", async () => {
    const { workspaceId } = await makeTenant(t.orm);
    const [waiting, done] = [key("lock-waiting"), key("lock-done")];
    await enqueueOutbox(em(), [waiting, done].map((k) => ({ workspaceId, stream: "dispatch", type: "test.keyed", payload: {}, idempotencyKey: k, availableAt: new Date() })));
    await setStatus(done, "done");
    const tryLock = (k: string) => em().transactional((tem) => tem.execute("select id from outbox where idempotency_key = ? for update nowait", [k]));

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = em().transactional(async (tem) => {
      await lockOutboxRowsByKey(tem, [waiting, done]);
      locked();
      await held;
    });
    await lockTaken;
    await expect(tryLock(waiting)).rejects.toThrow(/could not obtain lock/);
    await expect(tryLock(done)).resolves.toBeDefined();
    release();
    await holder;
    await expect(tryLock(waiting)).resolves.toBeDefined();
  });
});
