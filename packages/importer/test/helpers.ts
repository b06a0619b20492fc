import type { MikroORM } from "@mikro-orm/postgresql";
import { grantCredits } from "@rm/credits";

export interface Tenant {
  workspaceId: string;
  ownerId: string;
  doctorId: string;
  practiceId: string;
}

let counter = 0;

/** A workspace (quiet hours 20:00–08:00, Guayaquil) with an owner, a doctor, a practice and credits. */
export async function makeTenant(
  orm: MikroORM,
  o: { plan?: string; credits?: number; defaultChannel?: "SMS" | "WHATSAPP"; cooldownDays?: number } = {},
): Promise<Tenant> {
  const n = ++counter;
  const em = orm.em.fork();
  const [ws] = await em.execute<{ id: string }[]>(
    "insert into workspaces (name, plan, default_channel, contact_cooldown_days, whatsapp_content_sids) values (?, ?, ?, ?, ?::jsonb) returning id",
    [`Import ${n}`, o.plan ?? "STARTER", o.defaultChannel ?? "WHATSAPP", o.cooldownDays ?? 60, JSON.stringify({ INITIAL: "HX00000000000000000000000000000001" })],
  );
  const workspaceId = ws!.id;
  const [owner] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dueña', 'OWNER', 'x') returning id", [
    workspaceId,
    `owner-${workspaceId}@example.com`,
  ]);
  const [doctor] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dra. Peña', 'DOCTOR', 'x') returning id", [
    workspaceId,
    `doctor-${workspaceId}@example.com`,
  ]);
  // The fixture files name "Dr. Ruiz" too: a second doctor of the workspace.
  await em.execute("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Carlos Ruiz', 'DOCTOR', 'x')", [workspaceId, `ruiz-${workspaceId}@example.com`]);
  const [practice] = await em.execute<{ id: string }[]>("insert into practices (workspace_id, name, google_place_id) values (?, 'Consultorio Norte', 'ChIJ-test') returning id", [workspaceId]);
  if ((o.credits ?? 1000) > 0) await grantCredits(em, { workspaceId, amount: o.credits ?? 1000, reference: `test:${workspaceId}` });
  return { workspaceId, ownerId: owner!.id, doctorId: doctor!.id, practiceId: practice!.id };
}

export async function count(orm: MikroORM, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await orm.em.fork().execute<{ n: string }[]>(`select count(*)::text as n from (${sql}) q`, params);
  return Number(row!.n);
}
