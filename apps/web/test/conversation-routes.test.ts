// The conversation pages over HTTP against the production build, without JavaScript: the thread
// shows the patient's message and photo link (served by the app, never Twilio's URL), a receptionist
// answers with a plain form (the reply is a STAFF_REPLY message with its send row, audited), a doctor
// sees their own patients' threads and gets 404 for another doctor's, an opted-out contact's thread
// says why it cannot be answered before anything is written and refuses the POST, and assignment,
// status and internal notes are saved (the note is never sent).
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { seedThreads, threadIds, threadUrl } from "./support/threads.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { mediaUrl } from "./support/threads.ts";

const ACCOUNT = "AC" + "7c".repeat(16);
const TOKEN = "conversation-routes-token";
let sim: Simulator;

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let owner: Session;
let receptionist: Session;
let doctor: Session;
let otherDoctor: Session;

async function sql<T>(q: string, params: unknown[] = []): Promise<T[]> {
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    return await orm.em.fork().execute<T[]>(q, params);
  } finally {
    await orm.close(true);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  await seedThreads(db.url, [a]);
  await sql("insert into users (workspace_id, email, name, role, password_hash) select workspace_id, ?, 'Dr. Otro', 'DOCTOR', password_hash from users where id = ?", [`otro.${a.doctor.email}`, a.doctor.id]);
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN] });
  await sim.listen(0, "127.0.0.1");
  web = await startWebServer({ databaseUrl: db.url, env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_API_URL: sim.url } });
  owner = await signIn(web.url, a.owner.email, a.owner.password);
  receptionist = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  otherDoctor = await signIn(web.url, `otro.${a.doctor.email}`, a.doctor.password);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await web?.stop();
  await db?.drop();
});

describe("conversation routes", () => {
  it("lists the thread as waiting, shows the message and the photo through the app, and the window's time left", async () => {
    const list = await (await get(web.url, "/conversations", receptionist)).text();
    expect(list).toContain("Paciente Conversa");
    expect(list).toContain("¿Atienden los sábados?");
    expect(list).toContain("Espera respuesta");
    const page = await (await get(web.url, threadUrl(a), receptionist)).text();
    expect(page).toContain("¿Atienden los sábados?");
    const { threadId, inboundId } = threadIds.get(a.workspaceId)!;
    expect(page).toContain(`/conversations/${threadId}/media/${inboundId}/0`);
    expect(page).not.toContain("api.twilio.com");
    expect(page).toMatch(/Ventana de WhatsApp abierta: quedan 2[23] h/);
  });

  it("serves the patient's photo through the app, fetched from Twilio with the account's credentials", async () => {
    // The patient sends a photo: the simulator stores it behind basic auth, as Twilio's media URLs are.
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);
    sim.configure({ inboundUrl: "http://127.0.0.1:9/unused" });
    const sent = await sim.inbound({ from: "whatsapp:+593987000111", to: "whatsapp:+14155238886", body: "", media: [{ contentType: "image/jpeg", base64: photo.toString("base64") }] });
    const path = [...sim.state.media.keys()].find((k) => k.includes(sent.sid))!;
    const { inboundId } = threadIds.get(a.workspaceId)!;
    await sql("update inbound_messages set raw_params = raw_params || jsonb_build_object('MediaUrl0', ?::text, 'AccountSid', ?::text) where id = ?", [sim.url + path, ACCOUNT, inboundId]);
    expect((await fetch(sim.url + path)).status).toBe(401);
    const res = await get(web.url, mediaUrl(a), receptionist);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(photo);
    expect((await get(web.url, mediaUrl(a), otherDoctor)).status).toBe(404);
  });

  it("the inbox is a view of threads: the item's thread is its row, and the item's old link lands on the thread", async () => {
    const { threadId, patientId } = threadIds.get(a.workspaceId)!;
    const [f] = await sql<{ id: string }>("insert into feedback (workspace_id, patient_id, conversation_id, source, text) values (?, ?, ?, 'FORM', 'Me atendieron tarde.') returning id", [a.workspaceId, patientId, threadId]);
    const inbox = await (await get(web.url, "/inbox", owner)).text();
    expect(inbox).toContain(`href="/conversations/${threadId}"`);
    expect(inbox).toContain("Me atendieron tarde.");
    expect(inbox).not.toContain(`href="/inbox/${f!.id}"`);
    const old = await get(web.url, `/inbox/${f!.id}`, owner);
    expect(old.status).toBe(302);
    expect(old.headers.get("location")).toBe(`/conversations/${threadId}`);
    // The old item form changes nothing: the case status is the thread's.
    const oldPost = await post(web.url, `/inbox/${f!.id}`, owner, { status: "RESOLVED", notes: "x", version: "x" });
    expect(oldPost.headers.get("location")).toBe(`/conversations/${threadId}`);
    expect(await sql("select id from feedback where id = ? and status = 'NEW'", [f!.id])).toHaveLength(1);
    // Another doctor's look at the old link is still a 404, not a redirect that tells the thread's id.
    expect((await get(web.url, `/inbox/${f!.id}`, otherDoctor)).status).toBe(404);
    // On the thread, the form's comment is one of its entries.
    expect(await (await get(web.url, threadUrl(a), owner)).text()).toContain("Me atendieron tarde.");
    // One workflow: closing the thread resolves its open inbox items (and reopening it does not undo that).
    expect((await post(web.url, threadUrl(a), owner, { intent: "status", status: "CLOSED" })).status).toBe(302);
    const [item] = await sql<{ status: string; resolved_by_id: string }>("select status, resolved_by_id from feedback where id = ?", [f!.id]);
    expect(item).toEqual({ status: "RESOLVED", resolved_by_id: a.owner.id });
    expect((await post(web.url, threadUrl(a), owner, { intent: "status", status: "OPEN" })).status).toBe(302);
  });

  it("a doctor opens their own patient's thread; another doctor gets 404 on GET and POST and an empty list", async () => {
    expect((await get(web.url, threadUrl(a), doctor)).status).toBe(200);
    expect((await get(web.url, threadUrl(a), otherDoctor)).status).toBe(404);
    expect((await post(web.url, threadUrl(a), otherDoctor, { intent: "reply", body: "No es mi paciente" })).status).toBe(404);
    expect(await (await get(web.url, "/conversations", otherDoctor)).text()).not.toContain("Paciente Conversa");
    expect(await sql("select id from messages where body = 'No es mi paciente'")).toHaveLength(0);
  });

  it("a receptionist answers with a plain form: the reply is queued through the send protocol and audited", async () => {
    const res = await post(web.url, threadUrl(a), receptionist, { intent: "reply", body: "Sí, los sábados de 9 a 13." });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${threadUrl(a)}?done=sent`);
    const { threadId } = threadIds.get(a.workspaceId)!;
    const [m] = await sql<{ id: string; type: string; status: string; author_id: string; conversation_id: string; to_address: string; from_address: string }>(
      "select id, type, status, author_id, conversation_id, to_address, from_address from messages where body = 'Sí, los sábados de 9 a 13.'",
    );
    expect(m).toMatchObject({ type: "STAFF_REPLY", status: "PENDING", author_id: a.receptionist.id, conversation_id: threadId, from_address: "whatsapp:+14155238886" });
    expect(await sql("select id from outbox where type = 'message.send' and payload->>'messageId' = ?", [m!.id])).toHaveLength(1);
    expect(await sql("select id from audit_logs where action = 'conversation.replied' and entity_id = ? and actor_id = ?", [threadId, a.receptionist.id])).toHaveLength(1);
    const [t] = await sql<{ waiting_since: Date | null }>("select waiting_since from conversations where id = ?", [threadId]);
    expect(t!.waiting_since).toBeNull();
    const page = await (await get(web.url, `${threadUrl(a)}?done=sent`, receptionist)).text();
    expect(page).toContain("Sí, los sábados de 9 a 13.");
    expect(page).toContain("Respuesta enviada a la cola de envío.");
  });

  it("assignment, status and an internal note are saved; the note is never a message", async () => {
    const { threadId } = threadIds.get(a.workspaceId)!;
    expect((await post(web.url, threadUrl(a), owner, { intent: "assign", assignee: a.receptionist.id })).status).toBe(302);
    expect((await post(web.url, threadUrl(a), owner, { intent: "status", status: "CLOSED" })).status).toBe(302);
    expect((await post(web.url, threadUrl(a), owner, { intent: "note", note: "Llamar el lunes." })).status).toBe(302);
    const [t] = await sql<{ assignee_id: string; status: string }>("select assignee_id, status from conversations where id = ?", [threadId]);
    expect(t).toEqual({ assignee_id: a.receptionist.id, status: "CLOSED" });
    expect(await sql("select id from messages where body = 'Llamar el lunes.'")).toHaveLength(0);
    expect(await sql("select action from audit_logs where entity_id = ? and action = 'conversation.assigned'", [threadId])).toHaveLength(1);
    const [last] = await sql<{ to: string }>("select details->>'to' as to from audit_logs where entity_id = ? and action = 'conversation.status_changed' order by created_at desc limit 1", [threadId]);
    expect(last!.to).toBe("CLOSED");
    const mine = await (await get(web.url, "/conversations?view=all&assignee=me", receptionist)).text();
    expect(mine).toContain("Paciente Conversa");
    expect(await (await get(web.url, "/conversations?view=all&assignee=none", receptionist)).text()).not.toContain("Paciente Conversa");
    expect((await get(web.url, "/conversations?view=BORRADO", receptionist)).status).toBe(400);
    expect((await post(web.url, threadUrl(a), owner, { intent: "status", status: "BORRADO" })).status).toBe(400);
  });

  it("a pending reply past its time tells staff it lapsed and was not sent, and a new one may be written", async () => {
    const { threadId } = threadIds.get(a.workspaceId)!;
    await sql("update conversations set pending_reply_text = 'Texto retenido', pending_reply_at = now() - interval '80 hours', pending_reply_expires_at = now() - interval '8 hours' where id = ?", [threadId]);
    const page = await (await get(web.url, threadUrl(a), receptionist)).text();
    expect(page).toContain("El mensaje pendiente caducó el");
    expect(page).not.toContain("Mensaje pendiente: se entrega cuando el paciente responda");
    expect(page).not.toContain("Ya hay un mensaje pendiente esperando");
    await sql("update conversations set pending_reply_text = null, pending_reply_expires_at = null where id = ?", [threadId]);
  });

  it("an opted-out contact cannot be answered: the page says why with the composer disabled, and a POST is refused", async () => {
    const { patientId, threadId } = threadIds.get(a.workspaceId)!;
    await sql("update contacts set opted_out_at = now(), opted_out_source = 'WHATSAPP:BAJA' where id = (select contact_id from patients where id = ?)", [patientId]);
    const page = await (await get(web.url, threadUrl(a), receptionist)).text();
    expect(page).toContain("No se puede responder: el paciente pidió no recibir mensajes (baja).");
    expect(page).toMatch(/<fieldset disabled=""/);
    const res = await post(web.url, threadUrl(a), receptionist, { intent: "reply", body: "¿Sigue ahí?" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("conversations.blocked.OPTED_OUT");
    expect(await sql("select id from messages where conversation_id = ? and body = '¿Sigue ahí?'", [threadId])).toHaveLength(0);
  });
});
