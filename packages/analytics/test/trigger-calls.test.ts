// The analytics triggers run only where a row event can change a fact (decision 036): an import's
// patients and INITIAL messages, a message's steps before its send is counted, and updates that leave
// the facts as they were queue no trigger call; every change of a fact still appends its deltas.
// Calls are counted with PostgreSQL's per-transaction function statistics (track_functions = 'pl').
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("analytics trigger calls", () => {
  it("skip the rows that change no fact and still record every change of one", async () => {
    const em = orm.em.fork();
    await em.begin();
    try {
      await em.execute("set local track_functions = 'pl'");
      const q = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => em.execute<T[]>(text, params);
      /** Calls of the analytics trigger functions in this transaction so far. */
      const calls = async () =>
        Number((await q<{ n: string }>("select coalesce(sum(pg_stat_get_xact_function_calls(oid)), 0)::text as n from pg_proc where proname like '%analytics_facts%'"))[0]!.n);
      const deltas = async () => q<{ kind: string; status: string; rating: number; n: number }>("select kind, status, rating, n from analytics_deltas where workspace_id = ? order by id", [ws]);

      const [w] = await q<{ id: string }>("insert into workspaces (name, plan) values ('T', 'PROFESSIONAL') returning id");
      const ws = w!.id;
      const [o] = await q<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, 'o@t.example', 'O', 'OWNER', 'x') returning id", [ws]);
      const [pr] = await q<{ id: string }>("insert into practices (workspace_id, name) values (?, 'P') returning id", [ws]);
      const [c] = await q<{ id: string }>("insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status) values (?, ?, ?, ?, 'C', 'ACTIVE') returning id", [ws, pr!.id, o!.id, o!.id]);
      const [ct] = await q<{ id: string }>("insert into contacts (workspace_id, phone) values (?, '+593987000001') returning id", [ws]);

      // What an import writes: a patient without a rating and its INITIAL message without a sid.
      const [p] = await q<{ id: string }>(
        `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id)
         values (?, ?, ?, 'P', '+593987000001', now(), 'SMS', true, 'PENDING', ?) returning id`,
        [ws, c!.id, ct!.id, o!.id],
      );
      const [m] = await q<{ id: string }>(
        "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address) values (?, ?, ?, 'INITIAL', 'SMS', 'PENDING', '+593987000001') returning id",
        [ws, p!.id, c!.id],
      );
      // The send's first step and the patient's progress: still no fact.
      await q("update messages set status = 'SENDING', send_attempted_at = now() where id = ?", [m!.id]);
      await q("update patients set status = 'SCHEDULED' where id = ?", [p!.id]);
      expect(await calls()).toBe(0);
      expect(await deltas()).toEqual([]);

      // The sid recorded: the message becomes a request.
      await q("update messages set status = 'SENT', provider_sid = 'SM1', sent_at = now() where id = ?", [m!.id]);
      expect(await calls()).toBe(1);
      expect(await deltas()).toEqual([{ kind: "request", status: "SENT", rating: 0, n: 1 }]);

      // A column no fact reads (the delivery time alone): no call.
      await q("update messages set delivered_at = now(), updated_at = now() where id = ?", [m!.id]);
      expect(await calls()).toBe(1);
      // Its status moves: the request moves from SENT to DELIVERED.
      await q("update messages set status = 'DELIVERED' where id = ?", [m!.id]);
      expect(await calls()).toBe(2);
      expect((await deltas()).slice(1)).toEqual([
        { kind: "request", status: "SENT", rating: 0, n: -1 },
        { kind: "request", status: "DELIVERED", rating: 0, n: 1 },
      ]);

      // A rating is a fact; the patient's status after it is not.
      await q("update patients set rating = 5, rated_at = now() where id = ?", [p!.id]);
      expect(await calls()).toBe(3);
      await q("update patients set status = 'SENT', updated_at = now() where id = ?", [p!.id]);
      expect(await calls()).toBe(3);
      expect((await deltas()).slice(3)).toEqual([{ kind: "rating", status: "", rating: 5, n: 1 }]);

      // Deleting the message takes its request out (the patient's cascade does the same for a patient).
      await q("delete from messages where id = ?", [m!.id]);
      expect(await calls()).toBe(4);
      expect((await deltas()).slice(4)).toEqual([{ kind: "request", status: "DELIVERED", rating: 0, n: -1 }]);
    } finally {
      await em.rollback();
    }
  });
});
