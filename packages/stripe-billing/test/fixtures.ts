// Shared fixtures of the billing tests: a migrated database of the file's own and workspaces in it.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { getCreditBalance } from "@rm/credits";
import { ManualClock } from "@rm/domain";
import { createTestOrm, recordingLogger, type RecordingLogger, type TestOrm } from "@rm/test-utils";

export interface BillingHarness extends TestOrm {
  clock: ManualClock;
  logger: RecordingLogger;
}

export async function setupHarness(start = "2026-11-23T12:00:00.000Z"): Promise<BillingHarness> {
  return { ...(await createTestOrm(12)), clock: new ManualClock(start), logger: recordingLogger() };
}

let counter = 0;

export async function createWorkspace(orm: MikroORM, plan: "FREE" | "STARTER" | "PROFESSIONAL" | "ENTERPRISE" = "FREE"): Promise<string> {
  const em = orm.em.fork();
  const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name, plan) values (?, ?) returning id", [`Clínica ${++counter}`, plan]);
  return ws!.id;
}

export async function balance(orm: MikroORM, workspaceId: string): Promise<number> {
  return (await getCreditBalance(orm.em.fork(), workspaceId)).available;
}

export async function ledger(orm: MikroORM, workspaceId: string): Promise<{ kind: string; amount: number; reference: string }[]> {
  const rows = await orm.em.fork().execute<{ kind: string; amount: number; reference: string }[]>(
    "select kind, amount, reference from credit_ledger_entries where workspace_id = ? order by created_at, id",
    [workspaceId],
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

export async function outboxRows(em: EntityManager | MikroORM, workspaceId: string, type?: string): Promise<{ id: string; type: string; status: string; payload: Record<string, unknown>; available_at: Date; idempotency_key: string }[]> {
  const e = "em" in em ? em.em.fork() : em;
  return e.execute(
    `select id::text as id, type, status, payload, available_at, idempotency_key from outbox where workspace_id = ? ${type ? "and type = ?" : ""} order by id`,
    type ? [workspaceId, type] : [workspaceId],
  );
}

/** Marks a pending outbox row published, as the relay does before the worker sees it. */
export async function publish(orm: MikroORM, outboxId: string): Promise<void> {
  await orm.em.fork().execute("update outbox set status = 'published', published_at = now(), publish_count = publish_count + 1 where id = ?", [outboxId], "run");
}
