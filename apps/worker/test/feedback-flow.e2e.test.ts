// The whole feedback flow through the real processes: web (production build: webhooks and public
// pages), relay and worker as child processes, a fresh PostgreSQL database, Redis, the `twilio` SDK
// (inside the worker) against the provider simulator, which posts signed status callbacks and patient
// replies to the web server. Patients come from a CSV through @rm/importer.
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { createCampaignFromRows, parsePatientCsv } from "@rm/importer";
import { createScenario, ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import { billedSegments } from "@rm/twilio-simulator";

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const SMS_SENDER = "+15005550006";
const WA_SENDER = "whatsapp:+14155238886";
const STAFF_PHONE = "+593991234567";
const BROWSER_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const REMINDER_DELAY_MS = 8_000;

let env: RunEnv;
let pm: ProcessManager;
let webUrl: string;

beforeAll(async () => {
  ensureProductionBuild();
  const webPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  env = await createRunEnv({
    simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
    workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl, REMINDER_DELAY_MS: String(REMINDER_DELAY_MS), TWILIO_FROM_WHATSAPP: WA_SENDER },
  });
  pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/feedback-flow-${env.id}` });
  pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "feedback-flow-session-secret-0123456789", METRICS_PORT: "0" });
  pm.start("relay", "relay-0");
  pm.start("worker", "worker-0");
  await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
}, 240_000);

afterAll(async () => {
  await pm?.stopAll();
  await env?.close();
});


const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
const sentTo = (address: string) => env.sim.state.messages.filter((m) => m.to === address);
const dbTypes = async (phone: string) =>
  (await sql<{ type: string }>("select m.type from messages m join patients p on p.id = m.patient_id where p.phone = ? and m.provider_sid is not null and m.type <> 'STAFF_ALERT' order by m.created_at", [phone])).map((r) => r.type);

/** A wall-clock "dd/mm/aaaa hh:mm" in Guayaquil (UTC−5, no DST), as a practice's CSV has it. */
function csvDate(at: Date): string {
  const local = new Date(at.getTime() - 5 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}

async function importCsv(s: { workspaceId: string; practiceId: string; ownerId: string }, name: string, csv: string) {
  const parsed = await parsePatientCsv(Buffer.from(csv, "utf8"), { defaultCountry: "EC", timeZone: "America/Guayaquil" });
  expect(parsed.rejected).toEqual([]);
  return createCampaignFromRows(env.orm, {
    workspaceId: s.workspaceId,
    practiceId: s.practiceId,
    assignedDoctorId: null,
    createdById: s.ownerId,
    name,
    channel: "SMS",
    rows: parsed.accepted,
    scheduledHoursAfter: 2,
    publicUrl: webUrl,
  });
}

describe("the feedback flow end to end", () => {
  it("asks, understands every kind of answer, follows up once, reminds once, respects STOP, and skips by cooldown", async () => {
    const ws = await createScenario(env.orm, {
      patients: 0,
      dueAt: new Date(),
      credits: 500,
      whatsappContentSids: { INITIAL: `HX${"1".repeat(32)}`, REMINDER: `HX${"2".repeat(32)}` },
    });
    await sql("update practices set staff_alert_phone = ? where id = ?", [STAFF_PHONE, ws.practiceId]);

    // Appointments two hours before the next full minute: the requests are due at that minute.
    const due = new Date(Math.ceil((Date.now() + 1_000) / 60_000) * 60_000);
    const appt = csvDate(new Date(due.getTime() - 2 * 3_600_000));
    const P = {
      happy: "+593987000001",
      unhappy: "+593987000002",
      oneTap: "+593987000003",
      silent: "+593987000004",
      stopSms: "+593987000005",
      stopWa: "+593987000006",
      help: "+593987000007",
    };
    const csv = [
      "nombre,telefono,email,fecha_cita,consentimiento,canal",
      `Ana Feliz,0987000001,,${appt},sí,SMS`,
      `Bruno Molesto,0987000002,,${appt},sí,SMS`,
      `Carla Toque,0987000003,,${appt},sí,SMS`,
      `Diego Callado,0987000004,,${appt},sí,SMS`,
      `Elena Baja,0987000005,,${appt},sí,SMS`,
      `Fausto Baja,0987000006,,${appt},sí,WhatsApp`,
      `Gabi Cita,0987000007,,${appt},sí,SMS`,
    ].join("\n");
    const first = await importCsv(ws, "Martes", csv);
    expect(first.counts).toMatchObject({ patients: 7, scheduled: 7, skipped: 0 });
    for (const p of first.patients) expect(p.sendAt!.getTime()).toBe(due.getTime());

    // INITIAL at the due time, not before; then the delivery callbacks.
    const all = Object.values(P);
    const address = (phone: string) => (phone === P.stopWa ? `whatsapp:${phone}` : phone);
    await waitUntil(() => all.every((p) => sentTo(address(p)).length === 1), 90_000, "the seven rating requests");
    for (const p of all) expect(sentTo(address(p))[0]!.dateCreated).toBeGreaterThanOrEqual(due.getTime());
    await waitUntil(async () => (await sql("select 1 from messages where type = 'INITIAL' and status = 'DELIVERED'")).length === 7, 30_000, "delivery callbacks");

    // Replies from the patients' phones, posted signed to the web server by the simulator.
    await env.sim.inbound({ from: P.happy, to: SMS_SENDER, body: "5" });
    await env.sim.inbound({ from: P.unhappy, to: SMS_SENDER, body: "2" });
    await env.sim.inbound({ from: P.stopSms, to: SMS_SENDER, body: "STOP" });
    await env.sim.inbound({ from: `whatsapp:${P.stopWa}`, to: WA_SENDER, body: "BAJA" });
    await env.sim.inbound({ from: P.help, to: SMS_SENDER, body: "quiero cancelar mi cita" });

    // One tap on the rating page: GET reads, POST rates, the page then shows the follow-up.
    const [{ public_token: token }] = (await sql<{ public_token: string }>("select public_token from patients where phone = ? and campaign_id = ?", [P.oneTap, first.campaignId])) as [{ public_token: string }];
    const page = await fetch(`${webUrl}/q/${token}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="rating"');
    expect((await sql("select rating from patients where public_token = ?", [token]))[0]).toEqual({ rating: null });
    const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const posted = await fetch(`${webUrl}/q/${token}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, "User-Agent": BROWSER_UA },
      body: new URLSearchParams({ _csrf: csrf, rating: "5" }),
    });
    expect(posted.status).toBe(303);
    const after = await (await fetch(`${webUrl}/q/${token}`, { headers: { "User-Agent": BROWSER_UA, Cookie: cookie } })).text();
    expect(after).toContain(`/r/${token}`);
    expect(after).toContain("Dejar una reseña en Google");

    // Follow-ups, alert and HELP go out.
    await waitUntil(() => sentTo(P.happy).length === 2 && sentTo(P.unhappy).length === 2 && sentTo(STAFF_PHONE).length === 1, 30_000, "follow-ups and the staff alert");
    await waitUntil(() => sentTo(`whatsapp:${P.stopWa}`).length === 2 && sentTo(P.help).length === 2, 30_000, "the WhatsApp confirmation and HELP");

    const happyBody = sentTo(P.happy)[1]!.body;
    const reviewLink = /https?:\/\/\S+\/r\/[A-Za-z0-9_-]+/.exec(happyBody)?.[0];
    expect(reviewLink).toBeDefined();
    const unhappyBody = sentTo(P.unhappy)[1]!.body;
    expect(unhappyBody).toMatch(/\/f\/[A-Za-z0-9_-]+/);
    expect(unhappyBody).toMatch(/\/r\/[A-Za-z0-9_-]+/);
    expect(sentTo(STAFF_PHONE)[0]!.body).toContain("2/5");
    expect((await sql("select f.source, f.rating, f.status from feedback f join patients p on p.id = f.patient_id where p.phone = ?", [P.unhappy]))).toEqual([{ source: "RATING", rating: 2, status: "NEW" }]);

    // The review link works: a link preview is redirected but not counted, a person is counted once.
    const preview = await fetch(reviewLink!, { redirect: "manual", headers: { "User-Agent": "WhatsApp/2.24.1 A" } });
    expect(preview.status).toBe(302);
    expect(preview.headers.get("location")).toBe("https://search.google.com/local/writereview?placeid=ChIJ-scenario");
    for (let i = 0; i < 2; i++) expect((await fetch(reviewLink!, { redirect: "manual", headers: { "User-Agent": BROWSER_UA } })).status).toBe(302);
    expect(await sql("select 1 from review_clicks rc join patients p on p.id = rc.patient_id where p.phone = ?", [P.happy])).toHaveLength(1);

    // A second unparseable message: no second HELP, both texts in the inbox.
    await env.sim.inbound({ from: P.help, to: SMS_SENDER, body: "¿me pueden llamar?" });
    await waitUntil(async () => (await sql("select 1 from feedback f join patients p on p.id = f.patient_id where p.phone = ? and f.source = 'REPLY'", [P.help])).length === 2, 15_000, "the inbox items");

    // The reminder: one, only for the unrated who did not opt out, after the configured delay.
    await waitUntil(() => sentTo(P.silent).length === 2 && sentTo(P.help).length === 3, REMINDER_DELAY_MS + 30_000, "the reminders");
    await sleep(REMINDER_DELAY_MS / 2);

    expect(await dbTypes(P.happy)).toEqual(["INITIAL", "FOLLOWUP_HAPPY"]);
    expect(await dbTypes(P.unhappy)).toEqual(["INITIAL", "FOLLOWUP_UNHAPPY"]);
    expect(await dbTypes(P.oneTap)).toEqual(["INITIAL"]);
    expect(await dbTypes(P.silent)).toEqual(["INITIAL", "REMINDER"]);
    expect(await dbTypes(P.stopSms)).toEqual(["INITIAL"]);
    expect(await dbTypes(P.stopWa)).toEqual(["INITIAL", "OPT_OUT_CONFIRMATION"]);
    expect(await dbTypes(P.help)).toEqual(["INITIAL", "HELP", "REMINDER"]);
    expect(sentTo(P.oneTap)).toHaveLength(1);
    expect(sentTo(P.stopSms)).toHaveLength(1);
    expect(sentTo(STAFF_PHONE)).toHaveLength(1);
    const ratings = await sql<{ phone: string; rating: number | null; status: string }>("select phone, rating, status from patients where campaign_id = ? order by phone", [first.campaignId]);
    expect(ratings.map((r) => [r.phone, r.rating, r.status])).toEqual([
      [P.happy, 5, "RATED"],
      [P.unhappy, 2, "RATED"],
      [P.oneTap, 5, "RATED"],
      [P.silent, null, "SENT"],
      [P.stopSms, null, "SENT"],
      [P.stopWa, null, "SENT"],
      [P.help, null, "SENT"],
    ]);
    const optedOut = await sql<{ phone: string; opted_out_source: string }>("select phone, opted_out_source from contacts where workspace_id = ? and opted_out_at is not null order by phone", [ws.workspaceId]);
    expect(optedOut).toEqual([
      { phone: P.stopSms, opted_out_source: "SMS:STOP" },
      { phone: P.stopWa, opted_out_source: "WHATSAPP:BAJA" },
    ]);

    // A second campaign the same day asks nobody who was just asked; a new phone is asked.
    const second = await importCsv(ws, "Martes tarde", ["nombre,telefono,email,fecha_cita,consentimiento", `Ana Feliz,0987000001,,${appt},x`, `Hugo Nuevo,0987000008,,${appt},x`].join("\n"));
    const byPhone = new Map(second.patients.map((p) => [p.phone, p]));
    expect(byPhone.get(P.happy)).toMatchObject({ status: "SKIPPED", skipReason: "COOLDOWN" });
    expect(byPhone.get("+593987000008")).toMatchObject({ status: "SCHEDULED" });
    await waitUntil(() => sentTo("+593987000008").length === 1, 30_000, "the new patient's request");
    await sleep(1_000);
    expect(sentTo(P.happy)).toHaveLength(2);
  }, 240_000);

  it("a patient without WhatsApp: Twilio accepts the request, fails it by callback (63003), and it goes once by SMS; the ledger is what Twilio billed", async () => {
    const ws = await createScenario(env.orm, { patients: 0, dueAt: new Date(), credits: 50, whatsappContentSids: { INITIAL: `HX${"1".repeat(32)}` } });
    const phone = "+593987000099";
    env.sim.configure({ failRules: [{ to: phone, code: 63003 }] });
    const due = new Date(Math.ceil((Date.now() + 1_000) / 60_000) * 60_000);
    const appt = csvDate(new Date(due.getTime() - 2 * 3_600_000));
    await importCsv(ws, "Sin WhatsApp", ["nombre,telefono,email,fecha_cita,consentimiento,canal", `Hugo Sinwa,0987000099,,${appt},sí,WhatsApp`].join("\n"));

    // webhook (failed, 63003) → status applier → outbox → relay → worker → simulator, by SMS.
    await waitUntil(() => sentTo(phone).length === 1, 90_000, "the SMS fallback");
    const request = () =>
      sql<{ id: string; status: string; channel: string; provider_sid: string; fallback_from_sid: string; fallback_error_code: number }>(
        "select m.id, m.status, m.channel, m.provider_sid, m.fallback_from_sid, m.fallback_error_code from messages m join patients p on p.id = m.patient_id where p.phone = ? and m.type = 'INITIAL'",
        [phone],
      );
    // The simulator has the SMS before the worker records its sid: the row is read once it is DELIVERED.
    await waitUntil(async () => (await request())[0]?.status === "DELIVERED", 30_000, "the SMS delivered");
    await sleep(1_000); // a second SMS or a second outbox row would show by now
    const [initial] = await request();
    const whatsapp = sentTo(`whatsapp:${phone}`);
    expect(whatsapp.map((m) => [m.status, m.errorCode])).toEqual([["failed", 63003]]);
    const sms = sentTo(phone).filter((m) => m.sid === initial!.provider_sid);
    expect(sms).toHaveLength(1);
    expect(sentTo(phone).filter((m) => m.body === sms[0]!.body)).toHaveLength(1);
    expect(initial).toMatchObject({ channel: "SMS", fallback_from_sid: whatsapp[0]!.sid, fallback_error_code: 63003 });
    expect(await sql("select 1 from contacts where workspace_id = ? and phone = ? and no_whatsapp_code = 63003", [ws.workspaceId, phone])).toHaveLength(1);

    // The request's ledger entries: WhatsApp charged and refunded, the SMS charged its segments.
    const refs = [`message:${initial!.id}`, `refund:message:${initial!.id}`, `fallback:message:${initial!.id}`];
    const entries = await sql<{ kind: string; amount: number }>("select kind, amount from credit_ledger_entries where workspace_id = ? and kind in ('deduct', 'refund') and reference in (?)", [ws.workspaceId, refs]);
    const spent = -entries.reduce((sum, e) => sum + Number(e.amount), 0);
    expect(spent).toBe(billedSegments(whatsapp[0]!) + billedSegments(sms[0]!));
    expect(spent).toBe(sms[0]!.numSegments);
  }, 240_000);
});
