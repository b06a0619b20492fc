// Hand-built workspaces for the inbox tests: practices, doctors, campaigns, patients with their
// messages, replies and inbox items written as the worker and the public pages write them.
import type { MikroORM } from "@mikro-orm/postgresql";
import type { InboxViewer } from "../src/index.ts";

let phoneSeq = 0;

export interface Tenant {
  ws: string;
  owner: string;
  viewer(userId: string, role?: "OWNER" | "DOCTOR" | "RECEPTIONIST"): InboxViewer;
  user(name: string, role: "OWNER" | "DOCTOR" | "RECEPTIONIST"): Promise<string>;
  practice(name: string): Promise<string>;
  campaign(name: string, practiceId: string, doctorId: string | null): Promise<string>;
  patient(campaignId: string, name: string): Promise<{ id: string; phone: string }>;
  item(patientId: string, o: { source: "FORM" | "REPLY" | "RATING"; text?: string; rating?: number | null; status?: string; at: Date; inboundId?: string | null }): Promise<string>;
  inbound(patientId: string, body: string, at: Date, o?: { intent?: string; rating?: number | null }): Promise<string>;
  message(patientId: string, campaignId: string, o: { type: string; sentAt?: Date; deliveredAt?: Date; readAt?: Date }): Promise<string>;
}

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
  return {
    ws: wsId,
    owner,
    viewer: (userId, role = "OWNER") => ({ workspaceId: wsId, userId, role }),
    user,
    async practice(practiceName) {
      const [p] = await sql<{ id: string }>("insert into practices (workspace_id, name) values (?, ?) returning id", [wsId, practiceName]);
      return p!.id;
    },
    async campaign(campaignName, practiceId, doctorId) {
      const [c] = await sql<{ id: string }>(
        "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, ?, 'ACTIVE') returning id",
        [wsId, practiceId, owner, doctorId, campaignName],
      );
      return c!.id;
    },
    async patient(campaignId, patientName) {
      const phone = `+5939${String(80000000 + ++phoneSeq).padStart(8, "0")}`;
      const [ct] = await sql<{ id: string }>("insert into contacts (workspace_id, phone) values (?, ?) returning id", [wsId, phone]);
      const [p] = await sql<{ id: string }>(
        "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id) values (?, ?, ?, ?, ?, '2026-11-30T15:00:00Z', 'WHATSAPP', true, 'SENT', (select assigned_doctor_id from campaigns where id = ?)) returning id",
        [wsId, campaignId, ct!.id, patientName, phone, campaignId],
      );
      return { id: p!.id, phone };
    },
    async item(patientId, o) {
      const [f] = await sql<{ id: string }>(
        "insert into feedback (workspace_id, patient_id, source, text, rating, status, inbound_message_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [wsId, patientId, o.source, o.text ?? "", o.rating ?? null, o.status ?? "NEW", o.inboundId ?? null, o.at, o.at],
      );
      return f!.id;
    },
    async inbound(patientId, body, at, o = {}) {
      const [i] = await sql<{ id: string }>(
        "insert into inbound_messages (workspace_id, patient_id, provider_sid, channel, from_address, to_address, body, intent, rating, received_at, processed_at) values (?, ?, ?, 'WHATSAPP', 'whatsapp:+593980000001', 'whatsapp:+14155238886', ?, ?, ?, ?, ?) returning id",
        [wsId, patientId, `SM${Math.random().toString(16).slice(2)}${Date.now()}`, body, o.intent ?? "OTHER", o.rating ?? null, at, at],
      );
      return i!.id;
    },
    async message(patientId, campaignId, o) {
      const [m] = await sql<{ id: string }>(
        `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, provider_sid, send_attempted_at, sent_at, delivered_at, read_at)
         values (?, ?, ?, ?, 'WHATSAPP', ?, 'whatsapp:+593980000001', ?, ?, ?, ?, ?) returning id`,
        [wsId, patientId, campaignId, o.type, o.readAt ? "READ" : o.deliveredAt ? "DELIVERED" : "SENT", `SM${Math.random().toString(16).slice(2)}${Date.now()}`, o.sentAt ?? null, o.sentAt ?? null, o.deliveredAt ?? null, o.readAt ?? null],
      );
      return m!.id;
    },
  };
}
