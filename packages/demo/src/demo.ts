// The demo workspace `npm start` shows (and `npm run db:seed` writes): a PROFESSIONAL practice with
// credits and an ACTIVE campaign whose rating requests are due at once.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { demoKnowledge, saveKnowledge } from "@rm/assistant/knowledge";
import { grantCredits, holdCredits } from "@rm/credits";
import {
  Campaign,
  CampaignStatus,
  Channel,
  ConsentAction,
  ConsentEvent,
  ConsentEventSource,
  ConsentPurpose,
  ConsentSource,
  Contact,
  DEFAULT_TEMPLATES,
  enqueueOutbox,
  ensureDefaultTemplates,
  hashPassword,
  Message,
  MessageType,
  OutboxStream,
  Patient,
  PatientStatus,
  Plan,
  Practice,
  Role,
  SkipReason,
  unscopedEm,
  User,
  Workspace,
  workspaceEm,
  InboundIntent,
  InboundMessage,
} from "@rm/db";
import { createLibraryEntry } from "@rm/accounts";
import { addContactNote, createLabel, setContactLabels } from "@rm/contacts";
import { findWidgetByKey, postVisitorMessage, setMarketingConsent, widgetSettings } from "@rm/messaging";
// The light entry: the thread functions alone, without the provider clients @rm/messaging brings.
import { landInThread } from "@rm/messaging/threads";
import { formatAppointmentDate, renderTemplate } from "@rm/domain";
import { messageSendEvent } from "@rm/events";

export const DEMO = {
  workspaceName: "Consultorio Demo",
  ownerEmail: "demo@reputationmanager.com",
  ownerName: "Dr. Demo",
  doctorEmail: "doctor@reputationmanager.com",
  doctorName: "Dra. María López",
  password: "demo1234",
  practiceName: "Consultorio Centro",
  googlePlaceId: "ChIJN1t_tDeuEmsRUsoyG83frY4",
  /** Detractor alerts of the demo practice go here (the simulator receives them). */
  staffAlertPhone: "+593990000999",
  campaignName: "Pacientes de hoy (demo)",
  credits: 2000,
} as const;

const HOUR = 3_600_000;
const INITIAL_TEMPLATE = DEFAULT_TEMPLATES.find((t) => t.type === "INITIAL")!.body;

/** Appointments relative to now, so with scheduledHoursAfter = 2 most sends are due at once. */
const DEMO_PATIENTS = [
  { name: "Juan Pérez", phone: "+593987654321", channel: Channel.WHATSAPP, hoursAgo: 2, type: "Limpieza dental", consent: true },
  { name: "María García", phone: "+593987654322", channel: Channel.WHATSAPP, hoursAgo: 3, type: "Consulta", consent: true },
  { name: "Carlos Ramírez", phone: "+593987654323", channel: Channel.SMS, hoursAgo: 4, type: "Control", consent: true },
  { name: "Ana Torres", phone: "+593987654324", channel: Channel.SMS, hoursAgo: 1, type: null, consent: true },
  { name: "Luis Andrade", phone: "+593987654325", channel: Channel.WHATSAPP, hoursAgo: 2, type: "Consulta", consent: false },
  // Not on WhatsApp: `npm start`'s simulator fails her WhatsApp by callback (63003; its fail rule in
  // packages/ops/src/local-start.ts) and the request goes out once by SMS, one entry with both attempts.
  { name: "Rosa Molina", phone: "+593987654326", channel: Channel.WHATSAPP, hoursAgo: 2, type: "Limpieza dental", consent: true },
] as const;

/**
 * A conversation already under way (SPEC §13): a patient asked yesterday to rate her visit wrote back
 * with a question a person must answer. Her request went out on the platform's WhatsApp sender, so
 * her reply landed in the thread of that contact and sender, waiting for staff (inside the window).
 */
const DEMO_CONVERSATION = {
  name: "Elena Vásquez",
  phone: "+593987654327",
  sender: "whatsapp:+14155238886",
  question: "¿Atienden los sábados? Necesito otra cita para mi hijo",
} as const;

/** Credits held per scheduled request: the initial message plus one follow-up (1 segment each on WhatsApp). */
const HOLD_PER_PATIENT = 2;

export interface DemoSeedResult {
  workspaceId: string;
  ownerEmail: string;
  password: string;
  createdWorkspace: boolean;
  createdCampaign: boolean;
}

/**
 * Demo workspace: PROFESSIONAL, 2000 credits through the ledger, quiet hours off, owner + doctor,
 * one practice, the default templates and an ACTIVE campaign whose INITIAL sends are already in the
 * outbox (stream 'dispatch', type 'message.send', payload { messageId }). Idempotent.
 */
export async function seedDemoWith(em: EntityManager, now: Date = new Date(), publicUrl: string = process.env.PUBLIC_URL ?? "http://localhost:3000"): Promise<DemoSeedResult> {
  return em.transactional(async (tem) => {
    const root = tem as EntityManager;
    const existingOwner = await unscopedEm(root).findOne(User, { email: DEMO.ownerEmail });
    let workspaceId = existingOwner?.workspace.id;
    const createdWorkspace = !workspaceId;
    if (!workspaceId) {
      const ws = root.create(Workspace, {
        name: DEMO.workspaceName,
        plan: Plan.PROFESSIONAL,
        quietHoursStart: null,
        quietHoursEnd: null,
        // No templates of its own: the demo practice sends on the platform's approved WhatsApp
        // templates (WHATSAPP_DEFAULT_CONTENT_SIDS), as every new practice does on day one.
        whatsappContentSids: {},
      });
      workspaceId = ws.id;
      await root.flush();
    }
    const wem = workspaceEm(root, workspaceId);
    const ws = await wem.findOneOrFail(Workspace, workspaceId);

    const passwordHash = await hashPassword(DEMO.password);
    const owner =
      (await unscopedEm(root).findOne(User, { email: DEMO.ownerEmail })) ??
      wem.create(User, { workspace: ws, email: DEMO.ownerEmail, name: DEMO.ownerName, role: Role.OWNER, passwordHash });
    const doctor =
      (await unscopedEm(root).findOne(User, { email: DEMO.doctorEmail })) ??
      wem.create(User, { workspace: ws, email: DEMO.doctorEmail, name: DEMO.doctorName, role: Role.DOCTOR, passwordHash });

    const practice =
      (await wem.findOne(Practice, { name: DEMO.practiceName })) ??
      wem.create(Practice, {
        workspace: ws,
        name: DEMO.practiceName,
        address: "Av. Amazonas N24-03",
        city: "Quito",
        country: "EC",
        googlePlaceId: DEMO.googlePlaceId,
        staffAlertPhone: DEMO.staffAlertPhone,
      });
    await ensureDefaultTemplates(wem, ws);
    await wem.flush();

    // The practice's knowledge for automatic answers (SPEC §16); saved as its owner, so it is audited once.
    await saveKnowledge(wem, { workspaceId, userId: owner.id }, practice, demoKnowledge(practice.timezone));

    await grantCredits(wem, { workspaceId, amount: DEMO.credits, reference: "seed:demo-initial-grant", reason: "Demo PROFESSIONAL credits" });

    let createdCampaign = false;
    const contactIds = new Map<string, string>();
    if (!(await wem.findOne(Campaign, { name: DEMO.campaignName }))) {
      createdCampaign = true;
      const campaign = wem.create(Campaign, {
        workspace: ws,
        practice: wem.getReference(Practice, practice.id),
        assignedDoctor: wem.getReference(User, doctor.id),
        createdBy: wem.getReference(User, owner.id),
        name: DEMO.campaignName,
        status: CampaignStatus.ACTIVE,
        scheduledHoursAfter: 2,
        activatedAt: now,
        totalPatients: DEMO_PATIENTS.length,
        skippedPatients: DEMO_PATIENTS.filter((p) => !p.consent).length,
      });
      const sends: { message: Message; dueAt: Date }[] = [];
      for (const d of DEMO_PATIENTS) {
        const consentAt = d.consent ? now : null;
        const known = await wem.findOne(Contact, { phone: d.phone });
        const contact =
          known ??
          wem.create(Contact, {
            workspace: ws,
            phone: d.phone,
            ...(d.channel === Channel.SMS
              ? { smsConsentAt: consentAt, smsConsentSource: d.consent ? ConsentSource.CSV_IMPORT : null }
              : { whatsappConsentAt: consentAt, whatsappConsentSource: d.consent ? ConsentSource.CSV_IMPORT : null }),
          });
        // The grant's history entry, as an import writes it (the contact page shows it).
        if (!known && d.consent) {
          wem.create(ConsentEvent, {
            workspace: ws,
            contact,
            channel: d.channel,
            purpose: ConsentPurpose.FEEDBACK_REQUESTS,
            action: ConsentAction.GRANTED,
            source: ConsentEventSource.IMPORT,
            occurredAt: now,
            actor: wem.getReference(User, owner.id),
            evidence: "demo.csv",
          });
        }
        contactIds.set(d.name, contact.id);
        const appointmentAt = new Date(now.getTime() - d.hoursAgo * HOUR);
        const patient = wem.create(Patient, {
          workspace: ws,
          campaign,
          contact,
          doctor: wem.getReference(User, doctor.id),
          name: d.name,
          phone: d.phone,
          appointmentAt,
          appointmentType: d.type,
          preferredChannel: d.channel,
          consent: d.consent,
          status: d.consent ? PatientStatus.SCHEDULED : PatientStatus.SKIPPED,
          skipReason: d.consent ? null : SkipReason.NO_CONSENT,
        });
        if (!d.consent) continue;
        // The body is rendered when the request is scheduled; WhatsApp sends the approved template
        // with these values as its variables (outside the 24-hour window).
        const values = {
          name: d.name.split(" ")[0],
          doctor: DEMO.doctorName,
          practice: DEMO.practiceName,
          appointmentType: d.type,
          date: formatAppointmentDate(appointmentAt, ws.timezone),
          ratingLink: `${publicUrl}/q/${patient.publicToken}`,
        };
        const message = wem.create(Message, {
          workspace: ws,
          patient,
          campaign,
          type: MessageType.INITIAL,
          channel: d.channel,
          toAddress: d.channel === Channel.WHATSAPP ? `whatsapp:${d.phone}` : d.phone,
          body: renderTemplate(INITIAL_TEMPLATE, values),
          contentVariables: d.channel === Channel.WHATSAPP ? { "1": values.name ?? "", "2": values.doctor, "3": values.practice, "4": values.ratingLink } : null,
          creditsHeld: HOLD_PER_PATIENT,
        });
        const dueAt = new Date(Math.max(now.getTime(), appointmentAt.getTime() + campaign.scheduledHoursAfter * HOUR));
        sends.push({ message, dueAt });
      }
      await wem.flush();
      for (const { message } of sends) {
        await holdCredits(wem, { workspaceId, amount: HOLD_PER_PATIENT, reference: `message:${message.id}`, reason: "initial + follow-up" });
      }
      await enqueueOutbox(
        wem,
        sends.map(({ message, dueAt }) => ({
          workspaceId,
          stream: OutboxStream.DISPATCH,
          type: messageSendEvent.type,
          payload: { messageId: message.id },
          idempotencyKey: messageSendEvent.key(message.id),
          availableAt: dueAt,
        })),
      );
    }
    if (createdCampaign) await seedContactExtras(wem, workspaceId, owner.id, doctor.id, contactIds, now);
    if (createdCampaign) await seedConversation(wem, { workspaceId, doctorId: doctor.id, now, publicUrl });
    if (createdCampaign) await seedBroadcastsAndChat(wem, { workspaceId, owner, contactIds, now });
    return { workspaceId, ownerEmail: DEMO.ownerEmail, password: DEMO.password, createdWorkspace, createdCampaign };
  });
}

/** The contacts page's labels and staff notes, written through @rm/contacts as staff would (audited). */
async function seedContactExtras(em: EntityManager, workspaceId: string, ownerId: string, doctorId: string, contactIds: Map<string, string>, now: Date): Promise<void> {
  const owner = { workspaceId, userId: ownerId, role: "OWNER" as const };
  const doctor = { workspaceId, userId: doctorId, role: "DOCTOR" as const };
  const id = (name: string) => contactIds.get(name)!;
  const ortho = await createLabel(em, owner, "Ortodoncia", { now });
  const first = await createLabel(em, owner, "Primera visita", { now });
  const vip = await createLabel(em, owner, "Paciente frecuente", { now });
  await setContactLabels(em, { workspaceId, actorId: ownerId, contactIds: [id("Juan Pérez"), id("Rosa Molina")], add: [ortho.id], now });
  await setContactLabels(em, { workspaceId, actorId: ownerId, contactIds: [id("Ana Torres"), id("Luis Andrade")], add: [first.id], now });
  await setContactLabels(em, { workspaceId, actorId: ownerId, contactIds: [id("María García")], add: [vip.id], now });
  await addContactNote(em, owner, id("María García"), "Prefiere que la llamen por la tarde; no escribir antes de las 10:00.", { now });
  await addContactNote(em, doctor, id("Juan Pérez"), "Control de brackets en tres semanas. Sensibilidad en el molar inferior derecho.", { now });
  await addContactNote(em, owner, id("Luis Andrade"), "No dio su consentimiento al importar: preguntarle en la próxima visita.", { now });
}

/**
 * What the broadcasts and the web chat need to show something (SPEC §14, §16): two library texts, the
 * marketing consent of two contacts (so a broadcast's preview has someone eligible and someone left
 * out), and a web chat visitor's question, a WIDGET lead in Conversaciones and Prospectos.
 */
async function seedBroadcastsAndChat(em: EntityManager, o: { workspaceId: string; owner: User; contactIds: Map<string, string>; now: Date }): Promise<void> {
  const actor = { user: o.owner, ip: null, now: o.now };
  await createLibraryEntry(em, actor, {
    name: "Recordatorio de limpieza",
    objective: "Traer de vuelta a quienes no vienen hace seis meses",
    body: "Hola {{name}}, han pasado seis meses desde su última limpieza en {{practice}}. ¿Le reservamos un turno esta semana?",
    category: "MARKETING",
    forWhatsapp: "on",
  });
  await createLibraryEntry(em, actor, {
    name: "Horario de feriado",
    objective: "Avisar el horario del feriado",
    body: "Hola {{name}}, {{practice}} atenderá de 09:00 a 13:00 el lunes feriado. Gracias por su confianza.",
    category: "UTILITY",
    forWhatsapp: "on",
  });
  for (const name of ["María García", "Juan Pérez"]) {
    const contactId = o.contactIds.get(name);
    if (!contactId) continue;
    await setMarketingConsent(em, { workspaceId: o.workspaceId, contactId, granted: true, source: "STAFF", actorId: o.owner.id, evidence: "Formulario de recepción firmado", now: o.now });
  }
  const { publicKey } = await widgetSettings(em, o.workspaceId, o.now);
  const widget = await findWidgetByKey(em, publicKey);
  if (widget) {
    await postVisitorMessage(em, widget, { token: null, body: "Hola, ¿hacen blanqueamiento? ¿Cuánto cuesta?", name: "Sofía Cárdenas", language: "es", now: new Date(o.now.getTime() - 25 * 60_000) });
  }
}

/** The demo conversation: her rating request (sent and charged yesterday), her question, its thread. */
async function seedConversation(wem: EntityManager, o: { workspaceId: string; doctorId: string; now: Date; publicUrl: string }): Promise<void> {
  const campaign = await wem.findOneOrFail(Campaign, { name: DEMO.campaignName });
  const d = DEMO_CONVERSATION;
  const asked = new Date(o.now.getTime() - 20 * HOUR);
  const wrote = new Date(o.now.getTime() - 10 * 60_000);
  const contact = wem.create(Contact, { workspace: o.workspaceId, phone: d.phone, whatsappConsentAt: asked, whatsappConsentSource: ConsentSource.CSV_IMPORT, lastAskedAt: asked, lastInboundAt: { [d.sender]: wrote.toISOString() } });
  const patient = wem.create(Patient, {
    workspace: o.workspaceId,
    campaign,
    contact,
    doctor: wem.getReference(User, o.doctorId),
    name: d.name,
    phone: d.phone,
    appointmentAt: new Date(asked.getTime() - 2 * HOUR),
    appointmentType: "Consulta",
    preferredChannel: Channel.WHATSAPP,
    consent: true,
    status: PatientStatus.SENT,
  });
  const request = wem.create(Message, {
    workspace: o.workspaceId,
    patient,
    campaign,
    type: MessageType.INITIAL,
    channel: Channel.WHATSAPP,
    status: "READ",
    fromAddress: d.sender,
    toAddress: `whatsapp:${d.phone}`,
    body: renderTemplate(INITIAL_TEMPLATE, { name: "Elena", doctor: DEMO.doctorName, practice: DEMO.practiceName, ratingLink: `${o.publicUrl}/q/${patient.publicToken}` }),
    providerSid: `SMdemo${patient.id.replace(/-/g, "").slice(0, 28)}`,
    segments: 1,
    sendAttemptedAt: asked,
    sentAt: asked,
    deliveredAt: asked,
    readAt: asked,
  });
  await wem.flush();
  const conversationId = await landInThread(wem, { workspaceId: o.workspaceId, phone: d.phone, patientId: patient.id, channel: "WHATSAPP", senderAddress: d.sender, contactAddress: `whatsapp:${d.phone}`, at: wrote, inbound: true });
  wem.create(InboundMessage, {
    workspace: o.workspaceId,
    patient,
    inReplyTo: request,
    conversation: conversationId,
    providerSid: `SMdemoin${patient.id.replace(/-/g, "").slice(0, 26)}`,
    channel: Channel.WHATSAPP,
    fromAddress: `whatsapp:${d.phone}`,
    toAddress: d.sender,
    body: d.question,
    intent: InboundIntent.OTHER,
    receivedAt: wrote,
    processedAt: wrote,
  });
  await wem.flush();
}

/** Seeds the demo workspace through a fresh EntityManager of `orm`. */
export function seedDemo(orm: MikroORM, now?: Date): Promise<DemoSeedResult> {
  return seedDemoWith(orm.em.fork(), now);
}
