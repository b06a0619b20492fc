// Conversations for route-level tests: for each tenant, a patient of its doctor who wrote on WhatsApp
// (an inbound message landed in its thread, as the worker lands it), with a photo Twilio describes by
// NumMedia/MediaUrl0/MediaContentType0.
import { initOrm } from "@rm/db";
import { landInThread } from "@rm/messaging";
import type { Tenant } from "./tenants.ts";

/** Thread and inbound message ids per workspace id, filled by `seedThreads`. */
export const threadIds = new Map<string, { threadId: string; inboundId: string; patientId: string }>();

export function threadUrl(t: Tenant): string {
  const ids = threadIds.get(t.workspaceId);
  if (!ids) throw new Error("seedThreads(...) has not run for this tenant");
  return `/conversations/${ids.threadId}`;
}

export function mediaUrl(t: Tenant): string {
  const ids = threadIds.get(t.workspaceId)!;
  return `/conversations/${ids.threadId}/media/${ids.inboundId}/0`;
}

export async function seedThreads(databaseUrl: string, tenants: Tenant[], opts: { sender?: string; receivedAt?: Date } = {}): Promise<void> {
  const orm = await initOrm({ databaseUrl, poolMax: 1 });
  const sender = opts.sender ?? "whatsapp:+14155238886";
  try {
    for (const [i, t] of tenants.entries()) {
      await orm.em.fork().transactional(async (em) => {
        const sql = <T>(q: string, params: unknown[]) => em.execute<T[]>(q, params);
        const phone = `+59398${String(7100000 + i + Math.floor(Math.random() * 100000)).padStart(7, "0")}`;
        const at = opts.receivedAt ?? new Date();
        const [c] = await sql<{ id: string }>(
          "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, 'Campaña con conversación', 'ACTIVE') returning id",
          [t.workspaceId, t.practiceId, t.owner.id, t.doctor.id],
        );
        await sql("insert into contacts (workspace_id, phone, whatsapp_consent_at, last_inbound_at) values (?, ?, now(), jsonb_build_object(?::text, ?::text))", [t.workspaceId, phone, sender, at.toISOString()]);
        const [ct] = await sql<{ id: string }>("select id from contacts where workspace_id = ? and phone = ?", [t.workspaceId, phone]);
        const [p] = await sql<{ id: string }>(
          "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id) values (?, ?, ?, 'Paciente Conversa', ?, now(), 'WHATSAPP', true, 'SENT', ?) returning id",
          [t.workspaceId, c!.id, ct!.id, phone, t.doctor.id],
        );
        await sql(
          "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, provider_sid, send_attempted_at) values (?, ?, ?, 'INITIAL', 'WHATSAPP', 'DELIVERED', ?, ?, ?, ?, ?)",
          [t.workspaceId, p!.id, c!.id, `whatsapp:${phone}`, sender, "¿Cómo le fue?", `SM${String(i).padStart(2, "0")}${Math.random().toString(16).slice(2).padEnd(30, "0").slice(0, 30)}`, new Date(at.getTime() - 3600_000)],
        );
        const threadId = (await landInThread(em, { workspaceId: t.workspaceId, phone, patientId: p!.id, channel: "WHATSAPP", senderAddress: sender, contactAddress: `whatsapp:${phone}`, at, inbound: true }))!;
        const params = { NumMedia: "1", MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC00/Messages/MM00/Media/ME00", MediaContentType0: "image/jpeg", Body: "¿Atienden los sábados?" };
        const [inb] = await sql<{ id: string }>(
          "insert into inbound_messages (workspace_id, patient_id, conversation_id, provider_sid, channel, from_address, to_address, body, raw_params, intent, received_at) values (?, ?, ?, ?, 'WHATSAPP', ?, ?, ?, ?::jsonb, 'OTHER', ?) returning id",
          [t.workspaceId, p!.id, threadId, `SMin${Math.random().toString(16).slice(2).padEnd(30, "0").slice(0, 30)}`, `whatsapp:${phone}`, sender, params.Body, JSON.stringify(params), at],
        );
        threadIds.set(t.workspaceId, { threadId, inboundId: inb!.id, patientId: p!.id });
      });
    }
  } finally {
    await orm.close(true);
  }
}
