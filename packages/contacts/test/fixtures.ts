// Hand-built workspaces for the contacts tests: users, a practice, campaigns, contacts with their
// appointments, messages and replies written as the import, the worker and the public pages write them.
import type { MikroORM } from "@mikro-orm/postgresql";
import type { ContactsViewer } from "../src/index.ts";

export interface Tenant {
  ws: string;
  owner: string;
  practice: string;
  viewer(userId: string, role?: ContactsViewer["role"]): ContactsViewer;
  user(name: string, role: ContactsViewer["role"]): Promise<string>;
  campaign(name: string, doctorId: string | null): Promise<string>;
  /** A contact (created on first use of the phone) with one appointment in the campaign. */
  patient(campaignId: string, name: string, phone: string, o?: { doctorId?: string | null; lastContactAt?: Date | null; createdAt?: Date; channel?: "SMS" | "WHATSAPP"; rating?: number | null }): Promise<{ patientId: string; contactId: string }>;
  message(patientId: string, campaignId: string | null, o: { type: string; at: Date; body?: string | null; to: string; status?: string }): Promise<string>;
  inbound(patientId: string | null, o: { body: string; at: Date; from: string; intent?: string; rating?: number | null }): Promise<string>;
  feedback(patientId: string, o: { source: "FORM" | "REPLY" | "RATING"; text: string; rating?: number | null; at: Date }): Promise<string>;
}

let sidSeq = 0;

export async function createTenant(orm: MikroORM, name: string): Promise<Tenant> {
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);
  const [ws] = await sql<{ id: string }>("insert into workspaces (name, plan) values (?, 'PROFESSIONAL') returning id", [name]);
  const wsId = ws!.id;
  const user = async (userName: string, role: string) => {
    const [u] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, ?, ?, 'x') returning id", [
      wsId,
      `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.ec`,
      userName,
      role,
    ]);
    return u!.id;
  };
  const owner = await user(`Dueña ${name}`, "OWNER");
  const [pr] = await sql<{ id: string }>("insert into practices (workspace_id, name) values (?, ?) returning id", [wsId, `Consultorio ${name}`]);
  return {
    ws: wsId,
    owner,
    practice: pr!.id,
    viewer: (userId, role = "OWNER") => ({ workspaceId: wsId, userId, role }),
    user,
    async campaign(campaignName, doctorId) {
      const [c] = await sql<{ id: string }>(
        "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, ?, 'ACTIVE') returning id",
        [wsId, pr!.id, owner, doctorId, campaignName],
      );
      return c!.id;
    },
    async patient(campaignId, patientName, phone, o = {}) {
      const [ct] = await sql<{ id: string }>(
        `insert into contacts (workspace_id, phone, last_contact_at, created_at) values (?, ?, ?, ?)
         on conflict (workspace_id, phone) do update set last_contact_at = coalesce(excluded.last_contact_at, contacts.last_contact_at) returning id`,
        [wsId, phone, o.lastContactAt ?? null, o.createdAt ?? new Date("2026-01-01T00:00:00Z")],
      );
      const [p] = await sql<{ id: string }>(
        `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id, rating, created_at)
         values (?, ?, ?, ?, ?, '2026-11-30T15:00:00Z', ?, true, 'SENT', ?, ?, ?) returning id`,
        [wsId, campaignId, ct!.id, patientName, phone, o.channel ?? "WHATSAPP", o.doctorId ?? null, o.rating ?? null, o.createdAt ?? new Date("2026-01-01T00:00:00Z")],
      );
      return { patientId: p!.id, contactId: ct!.id };
    },
    async message(patientId, campaignId, o) {
      const [m] = await sql<{ id: string }>(
        `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, provider_sid, send_attempted_at, sent_at, created_at)
         values (?, ?, ?, ?, 'WHATSAPP', ?, ?, ?, ?, ?, ?, ?) returning id`,
        [wsId, patientId, campaignId, o.type, o.status ?? "DELIVERED", o.to, o.body ?? null, `SM${++sidSeq}x${Date.now()}`, o.at, o.at, o.at],
      );
      return m!.id;
    },
    async inbound(patientId, o) {
      const [i] = await sql<{ id: string }>(
        `insert into inbound_messages (workspace_id, patient_id, provider_sid, channel, from_address, to_address, body, intent, rating, received_at, processed_at)
         values (?, ?, ?, 'WHATSAPP', ?, 'whatsapp:+14155238886', ?, ?, ?, ?, ?) returning id`,
        [wsId, patientId, `SMin${++sidSeq}x${Date.now()}`, o.from, o.body, o.intent ?? "OTHER", o.rating ?? null, o.at, o.at],
      );
      return i!.id;
    },
    async feedback(patientId, o) {
      const [f] = await sql<{ id: string }>(
        "insert into feedback (workspace_id, patient_id, source, text, rating, status, created_at, updated_at) values (?, ?, ?, ?, ?, 'NEW', ?, ?) returning id",
        [wsId, patientId, o.source, o.text, o.rating ?? null, o.at, o.at],
      );
      return f!.id;
    },
  };
}
