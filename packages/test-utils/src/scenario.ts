// Builds a messaging scenario in a database: a workspace with credits, a practice, an ACTIVE campaign
// and N patients, each with a contact, an INITIAL message and its `message.send` outbox row — written
// in multi-row batches inside one transaction per batch, the way a CSV import writes them.
// Used by the pipeline's integration tests, the chaos run and the pipeline benchmark.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { enqueueOutbox } from "@rm/db";
import { grantCredits, holdCreditsBulk } from "@rm/credits";
import { countSegments } from "@rm/domain";
import { messageSendEvent } from "@rm/events";

export interface ScenarioOptions {
  patients: number;
  /** When the sends are due (outbox available_at). */
  dueAt: Date;
  channel?: "SMS" | "WHATSAPP";
  /** Credits granted to the workspace (ignored on ENTERPRISE). */
  credits?: number;
  plan?: "FREE" | "STARTER" | "PROFESSIONAL" | "ENTERPRISE";
  /** First phone number; patient i gets base + i. Default +593980000000 (Ecuadorian mobiles). */
  phoneBase?: number;
  body?: (i: number) => string;
  batchSize?: number;
  /** Workspace settings. */
  smsSender?: string | null;
  whatsappSender?: string | null;
  whatsappContentSids?: Record<string, string>;
  /** Hold each INITIAL's credits when the campaign is written, as campaign creation does (default true). */
  holdAtCreation?: boolean;
  /** Write each message's `message.send` outbox row (default true; a baseline that queues elsewhere turns it off). */
  outbox?: boolean;
}

export interface Scenario {
  workspaceId: string;
  campaignId: string;
  practiceId: string;
  ownerId: string;
  /** Message ids in patient order. */
  messageIds: string[];
  phones: string[];
}

export async function createScenario(orm: MikroORM, o: ScenarioOptions): Promise<Scenario> {
  const em = orm.em.fork();
  const channel = o.channel ?? "SMS";
  const body = o.body ?? ((i: number) => `Hola Paciente ${i}, gracias por su visita a Consultorio Centro. Responda con un numero del 1 al 5.`);
  const phoneBase = o.phoneBase ?? 593_980_000_000;
  const batchSize = o.batchSize ?? 1000;

  const [ws] = await em.execute<{ id: string }[]>(
    `insert into workspaces (name, plan, sms_sender, whatsapp_sender, whatsapp_content_sids, quiet_hours_start, quiet_hours_end)
     values (?, ?, ?, ?, ?::jsonb, null, null) returning id`,
    [`Scenario ${Date.now()}`, o.plan ?? "PROFESSIONAL", o.smsSender === undefined ? "+15005550006" : o.smsSender, o.whatsappSender ?? "whatsapp:+14155238886", JSON.stringify(o.whatsappContentSids ?? {})],
  );
  const workspaceId = ws!.id;
  const [owner] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Owner', 'OWNER', 'x') returning id", [workspaceId, `owner-${workspaceId}@example.com`]);
  const [practice] = await em.execute<{ id: string }[]>("insert into practices (workspace_id, name, google_place_id) values (?, 'Consultorio Centro', 'ChIJ-scenario') returning id", [workspaceId]);
  const [campaign] = await em.execute<{ id: string }[]>(
    "insert into campaigns (workspace_id, practice_id, created_by_id, name, status, total_patients, activated_at) values (?, ?, ?, 'Scenario', 'ACTIVE', ?, now()) returning id",
    [workspaceId, practice!.id, owner!.id, o.patients],
  );
  if ((o.plan ?? "PROFESSIONAL") !== "ENTERPRISE") {
    await grantCredits(em, { workspaceId, amount: o.credits ?? o.patients * 4 + 10, reference: `scenario:${workspaceId}` });
  }

  const messageIds: string[] = [];
  const phones: string[] = [];
  for (let start = 0; start < o.patients; start += batchSize) {
    const count = Math.min(batchSize, o.patients - start);
    await em.transactional(async (tem: EntityManager) => {
      const batchPhones = Array.from({ length: count }, (_, k) => `+${phoneBase + start + k}`);
      const contacts = await tem.execute<{ id: string; phone: string }[]>(
        `insert into contacts (workspace_id, phone, sms_consent_at, sms_consent_source, whatsapp_consent_at, whatsapp_consent_source)
         values ${batchPhones.map(() => "(?, ?, now(), 'CSV_IMPORT', now(), 'CSV_IMPORT')").join(", ")} returning id, phone`,
        batchPhones.flatMap((p) => [workspaceId, p]),
      );
      const contactByPhone = new Map(contacts.map((c) => [c.phone, c.id]));
      const patients = await tem.execute<{ id: string; phone: string }[]>(
        `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status)
         values ${batchPhones.map(() => "(?, ?, ?, ?, ?, ?, ?, true, 'SCHEDULED')").join(", ")} returning id, phone`,
        batchPhones.flatMap((p, k) => [workspaceId, campaign!.id, contactByPhone.get(p), `Paciente ${start + k}`, p, new Date(o.dueAt.getTime() - 2 * 3600_000), channel]),
      );
      const patientByPhone = new Map(patients.map((p) => [p.phone, p.id]));
      const messages = await tem.execute<{ id: string; to_address: string }[]>(
        `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, body)
         values ${batchPhones.map(() => "(?, ?, ?, 'INITIAL', ?, 'PENDING', ?, ?)").join(", ")} returning id, to_address`,
        // Addresses as the provider spells them: WhatsApp recipients carry the channel prefix.
        batchPhones.flatMap((p, k) => [workspaceId, patientByPhone.get(p), campaign!.id, channel, channel === "WHATSAPP" ? `whatsapp:${p}` : p, body(start + k)]),
      );
      const idByPhone = new Map(messages.map((m) => [m.to_address.replace(/^whatsapp:/, ""), m.id]));
      if ((o.holdAtCreation ?? true) && (o.plan ?? "PROFESSIONAL") !== "ENTERPRISE") {
        const cost = (k: number) => (channel === "WHATSAPP" ? 1 : countSegments(body(start + k)).segments);
        await holdCreditsBulk(tem, { workspaceId, holds: batchPhones.map((p, k) => ({ reference: `message:${idByPhone.get(p)!}`, amount: cost(k) })), reason: "campaign" });
        await tem.execute(
          `update messages m set credits_held = v.amount from (values ${batchPhones.map(() => "(?::uuid, ?::int)").join(", ")}) as v(id, amount) where m.id = v.id`,
          batchPhones.flatMap((p, k) => [idByPhone.get(p)!, cost(k)]),
          "run",
        );
      }
      if (o.outbox ?? true) await enqueueOutbox(
        tem,
        batchPhones.map((p) => ({
          workspaceId,
          stream: "dispatch",
          type: "message.send",
          payload: { messageId: idByPhone.get(p)! },
          idempotencyKey: messageSendEvent.key(idByPhone.get(p)!),
          availableAt: o.dueAt,
        })),
      );
      for (const p of batchPhones) {
        phones.push(p);
        messageIds.push(idByPhone.get(p)!);
      }
    });
  }
  return { workspaceId, campaignId: campaign!.id, practiceId: practice!.id, ownerId: owner!.id, messageIds, phones };
}
