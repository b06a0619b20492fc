// Shared fixtures of the handler tests: a migrated database of the file's own, tenants with one sent
// message each, and outbox rows "published" as the relay would leave them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import {
  Campaign,
  CampaignStatus,
  Channel,
  Contact,
  enqueueOutbox,
  Message,
  MessageType,
  Patient,
  PatientStatus,
  Plan,
  Practice,
  Role,
  User,
  Workspace,
  workspaceEm,
  type MessageStatus,
} from "@rm/db";
import { deductCredits, grantCredits, holdCredits } from "@rm/credits";
import { DELIVERY_STATUS_RANK, fromTwilioStatus, ManualClock } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import { createTestOrm, recordingLogger, type RecordingLogger, type TestOrm } from "@rm/test-utils";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { twilioStatusEvent } from "@rm/events";
import pg from "pg";
import { StatusEventGroupInserter } from "../src/webhooks/status-event-insert.ts";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { createTestRedis, type TestRedis } from "@rm/test-utils";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { createReplyProcessor } from "../src/feedback/reply.ts";

export interface Harness extends TestOrm {
  /** For the webhook's group inserter (status callbacks are stored through it, as in production). */
  pool: pg.Pool;
  clock: ManualClock;
  logger: RecordingLogger;
  deps: HandlerDeps;
}

export async function setupHarness(start = "2026-11-23T12:00:00.000Z"): Promise<Harness> {
  const { db, orm, close } = await createTestOrm(12);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // pool.end() resolves before its sockets close; the drop's forced disconnect must not crash the run.
  pool.on("error", () => {});
  const clock = new ManualClock(start);
  const logger = recordingLogger();
  return {
    db,
    pool,
    orm,
    clock,
    logger,
    deps: { orm, clock, logger },
    async close() {
      await pool.end();
      await close();
    },
  };
}

let counter = 0;

export interface SentMessage {
  workspaceId: string;
  patientId: string;
  contactId: string;
  messageId: string;
}

export interface SentMessageOptions {
  channel?: Channel;
  /** E.164 patient phone. */
  phone?: string;
  /** Our sender, as stored in Message.fromAddress ("whatsapp:+1…" or "+1…"). */
  sender?: string;
  status?: MessageStatus;
  providerSid?: string | null;
  sendAttemptedAt?: Date;
  /** Credits granted, held and (when a sid is recorded) deducted as the sender would. */
  credits?: number;
  deducted?: boolean;
}

/** A workspace, practice, campaign, contact, patient and one INITIAL message, written directly. */
export async function makeSentMessage(orm: MikroORM, clock: ManualClock, opts: SentMessageOptions = {}): Promise<SentMessage> {
  const n = ++counter;
  const channel = opts.channel ?? Channel.WHATSAPP;
  const phone = opts.phone ?? `+5939870${String(10000 + n).slice(-5)}`;
  const sender = opts.sender ?? (channel === Channel.WHATSAPP ? "whatsapp:+14155238886" : "+15005550006");
  const now = clock.now();
  const root = orm.em.fork();
  const ws = root.create(Workspace, { name: `Clinic ${n}`, plan: Plan.STARTER });
  await root.flush();
  const em: EntityManager = workspaceEm(orm.em, ws.id);
  const owner = em.create(User, { workspace: ws.id, email: `owner${n}-${ws.id.slice(0, 8)}@example.com`, name: `Owner ${n}`, role: Role.OWNER, passwordHash: "x" });
  const practice = em.create(Practice, { workspace: ws.id, name: `Practice ${n}`, googlePlaceId: `place-${n}` });
  const campaign = em.create(Campaign, { workspace: ws.id, practice, createdBy: owner, name: `Campaign ${n}`, status: CampaignStatus.ACTIVE, activatedAt: now });
  const contact = em.create(Contact, { workspace: ws.id, phone, whatsappConsentAt: now, smsConsentAt: now });
  const patient = em.create(Patient, {
    workspace: ws.id,
    campaign,
    contact,
    name: `Paciente ${n}`,
    phone,
    appointmentAt: new Date(now.getTime() - 3 * 3600_000),
    preferredChannel: channel,
    consent: true,
    status: PatientStatus.SENT,
  });
  const message = em.create(Message, {
    workspace: ws.id,
    patient,
    campaign,
    type: MessageType.INITIAL,
    channel,
    status: opts.status ?? "QUEUED",
    fromAddress: sender,
    toAddress: channel === Channel.WHATSAPP ? `whatsapp:${phone}` : phone,
    body: "¿Cómo le fue? Responda del 1 al 5.",
    segments: 1,
    providerSid: opts.providerSid === undefined ? `SM${randomHex(32)}` : opts.providerSid,
    sendAttemptedAt: opts.sendAttemptedAt ?? now,
    creditsHeld: 0,
  });
  await em.flush();
  if (opts.credits) {
    await em.transactional(async (tem) => {
      await grantCredits(tem, { workspaceId: ws.id, amount: opts.credits!, reference: "test:grant" });
      await holdCredits(tem, { workspaceId: ws.id, amount: 2, reference: `message:${message.id}` });
      if (opts.deducted !== false) await deductCredits(tem, { workspaceId: ws.id, amount: 1, reference: `message:${message.id}`, holdReference: `message:${message.id}` });
    });
  }
  return { workspaceId: ws.id, patientId: patient.id, contactId: contact.id, messageId: message.id };
}

export function randomHex(length: number): string {
  let out = "";
  while (out.length < length) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}

let keyCounter = 0;

/** Writes an outbox row and marks it published (as the relay would); returns the entry a worker reads. */
export async function publishedEntry(
  orm: MikroORM,
  clock: ManualClock,
  input: { stream: string; type: string; payload: Record<string, unknown> | string; idempotencyKey?: string; workspaceId?: string | null },
): Promise<StreamEntry> {
  const em = orm.em.fork();
  const key = input.idempotencyKey ?? `test:${input.type}:${++keyCounter}:${randomHex(8)}`;
  const payload = typeof input.payload === "string" ? { garbage: input.payload } : input.payload;
  await enqueueOutbox(em, { workspaceId: input.workspaceId ?? null, stream: input.stream, type: input.type, payload, idempotencyKey: key, availableAt: clock.now() });
  const [row] = await em.execute<{ id: string; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ?, publish_count = publish_count + 1 where idempotency_key = ? returning id::text as id, payload",
    [clock.now(), key],
  );
  return {
    outboxId: row!.id,
    type: input.type,
    workspaceId: input.workspaceId ?? null,
    // A string payload stands for bytes we cannot read: hand it to the handler as is.
    payload: typeof input.payload === "string" ? input.payload : JSON.stringify(row!.payload),
    traceparent: "",
  };
}

export async function outboxRow(orm: MikroORM, outboxId: string) {
  const [row] = await orm.em.fork().execute<{ status: string; last_error: string | null; available_at: Date; done_at: Date | null }[]>(
    "select status, last_error, available_at, done_at from outbox where id = ?",
    [outboxId],
  );
  // Raw queries return timestamps as text.
  return { ...row!, available_at: new Date(row!.available_at), done_at: row!.done_at === null ? null : new Date(row!.done_at) };
}

export async function loadMessage(orm: MikroORM, workspaceId: string, messageId: string): Promise<Message> {
  return workspaceEm(orm.em, workspaceId).findOneOrFail(Message, { id: messageId });
}

export async function ledger(orm: MikroORM, workspaceId: string) {
  return orm.em
    .fork()
    .execute<{ kind: string; amount: number; reference: string }[]>("select kind, amount, reference from credit_ledger_entries where workspace_id = ? order by created_at, id", [workspaceId]);
}

/** A published `twilio.status` entry as the web app writes it: Twilio's params plus our message id (`?m=`). */
export function statusCallbackEntry(h: Pick<Harness, "orm" | "clock">, sid: string, status: string, messageId: string | null, extra: Record<string, string> = {}): Promise<StreamEntry> {
  return publishedEntry(h.orm, h.clock, {
    stream: "provider-status",
    type: "twilio.status",
    idempotencyKey: `${twilioStatusEvent.key(sid, status)}/${randomHex(6)}`,
    payload: { params: { MessageSid: sid, MessageStatus: status, AccountSid: "AC" + "0".repeat(32), ...extra }, messageId },
  });
}

const inserters = new WeakMap<pg.Pool, StatusEventGroupInserter>();

/**
 * Stores a status callback as the webhook does (same group inserter and row): Twilio's params plus our
 * message id (`?m=`). Resolves false for a replay of a stored (sid, status).
 */
export function storeStatusCallback(h: Pick<Harness, "pool" | "clock">, sid: string, status: string, messageId: string | null, extra: Record<string, string> = {}): Promise<boolean> {
  let inserter = inserters.get(h.pool);
  if (!inserter) inserters.set(h.pool, (inserter = new StatusEventGroupInserter({ pool: h.pool })));
  const params: Record<string, string> = { MessageSid: sid, MessageStatus: status, AccountSid: "AC" + "0".repeat(32), ...extra };
  const mapped = fromTwilioStatus(status);
  return inserter.insert({
    sid,
    status,
    rank: mapped ? DELIVERY_STATUS_RANK[mapped] : null,
    errorCode: params.ErrorCode || null,
    params: JSON.stringify(params),
    messageId,
    receivedAt: h.clock.now(),
    traceContext: null,
  });
}

export interface StoredStatusEvent {
  id: string;
  status: string;
  attempts: number;
  applied_at: Date | null;
  available_at: Date;
  outcome: string | null;
}

/** The stored callbacks of one provider sid, oldest first. */
export async function statusEvents(orm: MikroORM, sid: string): Promise<StoredStatusEvent[]> {
  const rows = await orm.em
    .fork()
    .execute<StoredStatusEvent[]>("select id::text as id, status, attempts, applied_at, available_at, outcome from provider_status_events where provider_sid = ? order by id", [sid]);
  return rows.map((r) => ({ ...r, applied_at: r.applied_at === null ? null : new Date(r.applied_at), available_at: new Date(r.available_at) }));
}

/**
 * A local endpoint standing in for the app's inbound webhook: the simulator posts the messages it
 * receives for our numbers there, and each form body is kept in `posted` for the test to read.
 */
export async function startInboundHook(posted: Record<string, string>[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      posted.push(Object.fromEntries(new URLSearchParams(raw)));
      res.writeHead(200, { "content-type": "text/xml" }).end("<Response/>");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/inbound` };
}

/** A harness wired for conversations: the reply processor routes inbound messages, and the simulator posts to an inbound hook. */
export interface ConversationWorld {
  h: Harness;
  deps: HandlerDeps;
  sim: Simulator;
  redis: TestRedis;
  /** The form bodies the simulator posted to the inbound hook, as Twilio posts them. */
  posted: Record<string, string>[];
  close(): Promise<void>;
}

/**
 * The conversation tests' world: `setupHarness` at `start`, the reply processor as the inbound
 * router (with the LLM assistant available when asked), a Redis of the test's own, and the Twilio
 * simulator (callbacks held back a minute) posting patients' messages to `startInboundHook`.
 */
export async function setupConversationWorld(o: { accountSid: string; token: string; start?: string; aiAssistantAvailable?: boolean }): Promise<ConversationWorld> {
  const h = await setupHarness(o.start);
  const feedback = { publicUrl: "https://app.example.test", platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS };
  const onInboundRouted = createReplyProcessor({ logger: h.logger, feedback, ...(o.aiAssistantAvailable ? { aiAssistantAvailable: true } : {}) });
  const deps: HandlerDeps = { ...h.deps, feedback, onInboundRouted };
  const redis = await createTestRedis();
  const posted: Record<string, string>[] = [];
  const hook = await startInboundHook(posted);
  const sim = createSimulator({ accountSid: o.accountSid, authTokens: [o.token], callbackDelayMs: 60_000, now: () => h.clock.now().getTime() });
  await sim.listen(0, "127.0.0.1");
  sim.configure({ inboundUrl: hook.url });
  return {
    h,
    deps,
    sim,
    redis,
    posted,
    async close() {
      await sim.close();
      await new Promise((r) => hook.server.close(r));
      await redis.cleanup();
      await h.close();
    },
  };
}
