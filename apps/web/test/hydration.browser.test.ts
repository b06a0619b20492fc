// Every page hydrates without a mismatch when the viewer's time zone is neither the server's nor the
// practice's: the web process runs in UTC, the browser in Asia/Tokyo (es-EC), the workspace in
// America/Guayaquil. A date formatted in the process's or the browser's zone renders one text on the
// server and another in the browser; React then throws the server's HTML away (#418/#423/#425) and
// renders the page again, wiping whatever the person had typed. Each staff and public page is opened
// with realistic data — a campaign, a draft, a send to one patient, an inbox item, patients' rating and
// feedback links, reset and invitation links — and any hydration error or uncaught page error fails.
// The table is checked against app/routes: a new page without a row fails here.
import { readdirSync } from "node:fs";
import path from "node:path";
import { issuePasswordReset, inviteUser } from "@rm/accounts";
import { initOrm, User, workspaceEm } from "@rm/db";
import { createCampaignDraft, parsePatientCsv, sendToOnePatient } from "@rm/importer";
import { findWidgetByKey, postVisitorMessage, widgetSettings } from "@rm/messaging";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, watchHydration } from "./support/browser.ts";
import { WEB_ROOT } from "./support/build.ts";
import { createTenantCampaign } from "./support/campaigns.ts";
import { inboxItemUrl, seedInboxItems } from "./support/inbox-items.ts";
import { seedThreads, threadUrl } from "./support/threads.ts";
import { signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { seedLibraryEntry } from "./support/library.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING hydration tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

/** The viewer's zone: far from both UTC (the server) and America/Guayaquil (the practice). */
const VIEWER_ZONE = "Asia/Tokyo";

interface Fixture {
  tenant: Tenant;
  campaignId: string;
  draftId: string;
  sentCampaignId: string;
  ratingToken: string;
  feedbackToken: string;
  resetToken: string;
  inviteToken: string;
  contactId: string;
  libraryId: string;
  /** A web chat visitor's chat address (key and token), with one message in it. */
  widgetChat: string;
}

/** A page to open; `shows`: text it must show, so the dates that matter are really on it. */
type Visit = { kind: "staff" | "public"; url: (f: Fixture) => string; shows?: RegExp } | { kind: "not a page"; why: string };

const PAGES: Record<string, Visit> = {
  "_app.tsx": { kind: "not a page", why: "the staff layout: every _app.* page below renders inside it" },
  "_app._index.tsx": { kind: "staff", url: () => "/" },
  "_app.account.tsx": { kind: "staff", url: () => "/account" },
  "_app.analytics._index.tsx": { kind: "staff", url: () => "/analytics?range=all" },
  "_app.audit.tsx": { kind: "staff", url: () => "/audit" },
  "_app.billing.server.ts": { kind: "not a page", why: "server code of the billing page" },
  "_app.billing.tsx": { kind: "staff", url: () => "/billing" },
  "_app.billing_.cancel.tsx": { kind: "staff", url: () => "/billing/cancel" },
  "_app.billing_.success.tsx": { kind: "staff", url: () => "/billing/success" },
  "_app.campaigns.$id.tsx": { kind: "staff", url: (f) => `/campaigns/${f.campaignId}` },
  // With last-contact times, a note's time and the messages' times.
  "_app.contacts._index.tsx": { kind: "staff", url: () => "/contacts", shows: /Paciente Uno/ },
  "_app.contacts.$id.tsx": { kind: "staff", url: (f) => `/contacts/${f.contactId}`, shows: /Llamar por la tarde/ },
  "_app.contacts[.]csv.ts": { kind: "not a page", why: "the contacts CSV download" },
  "_app.contacts.$id.data[.]json.ts": { kind: "not a page", why: "the patient's data download (JSON)" },
  "_app.campaigns._index.tsx": { kind: "staff", url: () => "/campaigns" },
  // The audience preview with its counts (formatted on the server).
  "_app.campaigns.broadcast.tsx": { kind: "staff", url: () => "/campaigns/broadcast?preview=1" },
  "_app.campaigns.drafts.$id.tsx": { kind: "staff", url: (f) => `/campaigns/drafts/${f.draftId}` },
  "_app.campaigns.drafts_.$id.rejected[.]csv.ts": { kind: "not a page", why: "a CSV download" },
  "_app.campaigns.sample[.]csv.ts": { kind: "not a page", why: "the sample CSV download" },
  "_app.campaigns.sample[.]xlsx.ts": { kind: "not a page", why: "the sample workbook download" },
  // With the list of drafts waiting for confirmation (their upload times).
  "_app.campaigns.new.tsx": { kind: "staff", url: () => "/campaigns/new", shows: /1 pacientes · subido por OWNER hydration, \d/ },
  // Right after a send: the page says when the rating request goes out.
  "_app.campaigns.send.tsx": { kind: "staff", url: (f) => `/campaigns/send?sent=${f.sentCampaignId}`, shows: /solicitud de calificación programada para \d/ },
  // With a patient's message, its photo link and the WhatsApp window's time left.
  "_app.conversations._index.tsx": { kind: "staff", url: () => "/conversations" },
  "_app.conversations.$id.tsx": { kind: "staff", url: (f) => threadUrl(f.tenant), shows: /Ventana de WhatsApp abierta/ },
  "_app.conversations.$id_.media.$inboundId.$index.ts": { kind: "not a page", why: "a patient's photo or voice note, streamed from Twilio" },
  "_app.inbox.$id.tsx": { kind: "staff", url: (f) => inboxItemUrl(f.tenant) },
  "_app.inbox._index.tsx": { kind: "staff", url: () => "/inbox" },
  // The board with a lead and the time it entered its stage.
  "_app.leads._index.tsx": { kind: "staff", url: () => "/leads?view=board", shows: /Prospecto Web/ },
  "_app.practices.$id.tsx": { kind: "staff", url: (f) => `/practices/${f.tenant.practiceId}` },
  "_app.practices._index.tsx": { kind: "staff", url: () => "/practices" },
  "_app.practices.new.tsx": { kind: "staff", url: () => "/practices/new" },
  "_app.practices_.$id.knowledge.tsx": { kind: "staff", url: (f) => `/practices/${f.tenant.practiceId}/knowledge` },
  "_app.settings.tsx": { kind: "staff", url: () => "/settings" },
  "_app.settings_.sender.tsx": { kind: "staff", url: () => "/settings/sender" },
  "_app.settings_.api.tsx": { kind: "staff", url: () => "/settings/api" },
  "_app.settings_.api_.reference.tsx": { kind: "staff", url: () => "/settings/api/reference" },
  "_app.settings_.webhooks.tsx": { kind: "staff", url: () => "/settings/webhooks" },
  "_app.settings_.assistant.tsx": { kind: "staff", url: () => "/settings/assistant" },
  // With the live preview: the real chat in a frame.
  "_app.settings_.widget.tsx": { kind: "staff", url: () => "/settings/widget" },
  "_app.templates.$id.tsx": { kind: "staff", url: (f) => `/templates/${f.tenant.templateId}` },
  "_app.templates._index.tsx": { kind: "staff", url: () => "/templates" },
  "_app.templates.drafts.tsx": { kind: "staff", url: () => "/templates/drafts" },
  // A library entry used late at night UTC: its last use is a date in the workspace's zone, the
  // same on the server and in the viewer's browser; the entry with its preview for a contact.
  "_app.templates.library._index.tsx": { kind: "staff", url: () => "/templates/library", shows: /Usado 2 veces · último uso: \d/ },
  "_app.templates.library.new.tsx": { kind: "staff", url: () => "/templates/library/new" },
  "_app.templates.library.$id.tsx": { kind: "staff", url: (f) => `/templates/library/${f.libraryId}?contact=${f.contactId}&n=10`, shows: /Como lo leería Paciente Uno/ },
  // With a pending invitation (its expiry) and users' last sign-in times.
  "_app.users.tsx": { kind: "staff", url: () => "/users", shows: /vence \d/ },
  "api.template-analysis.ts": { kind: "not a page", why: "JSON for the template editor" },
  "f.$token.tsx": { kind: "public", url: (f) => `/f/${f.feedbackToken}` },
  "invite.$token.tsx": { kind: "public", url: (f) => `/invite/${f.inviteToken}` },
  "lang.tsx": { kind: "not a page", why: "the language switch redirects back" },
  "login.tsx": { kind: "public", url: () => "/login" },
  "logout.tsx": { kind: "not a page", why: "signs out and redirects" },
  "q.$token.tsx": { kind: "public", url: (f) => `/q/${f.ratingToken}` },
  "r.$token.tsx": { kind: "not a page", why: "redirects to the practice's Google review form" },
  "reset.$token.tsx": { kind: "public", url: (f) => `/reset/${f.resetToken}` },
  "signup.tsx": { kind: "public", url: () => "/signup" },
  "signup_.verify.tsx": { kind: "public", url: () => "/signup/verify" },
  // A visitor's chat with their message, polling for answers.
  "widget.$key.tsx": { kind: "public", url: (f) => f.widgetChat, shows: /¿Atienden los sábados\?/ },
  "widget[.]js.ts": { kind: "not a page", why: "the script tag's JavaScript for practices' websites" },
};

describe("route table", () => {
  it("has a row for every file in app/routes, and a file for every row", () => {
    expect(readdirSync(path.join(WEB_ROOT, "app/routes")).sort()).toEqual(Object.keys(PAGES).sort());
  });
});

const pages = Object.entries(PAGES).flatMap(([file, v]) => (v.kind === "not a page" ? [] : [{ file, ...v }]));

describe.skipIf(!present)(`hydration in ${VIEWER_ZONE} against a server in UTC`, { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let staff: BrowserContext;
  let visitor: BrowserContext;
  let fixture: Fixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    const tenant = await createTenant(db.url, "hydration");
    const campaignId = await createTenantCampaign(db.url, tenant, [
      { name: "Paciente Uno", phone: "+593981110001", state: "delivered" },
      { name: "Paciente Dos", phone: "+593981110002", state: "rated" },
      { name: "Paciente Tres", phone: "+593981110003", state: "scheduled" },
    ]);
    await seedInboxItems(db.url, [tenant]);
    await seedThreads(db.url, [tenant]);
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    try {
      const parsed = await parsePatientCsv(Buffer.from("nombre;telefono;fecha;consentimiento\r\nAna Prueba;0991234567;23/11/2026;si\r\n"));
      const draft = await createCampaignDraft(orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctor.id, createdById: tenant.owner.id, name: "Borrador", parsed });
      const sent = await sendToOnePatient(orm, {
        workspaceId: tenant.workspaceId,
        practiceId: tenant.practiceId,
        assignedDoctorId: tenant.doctor.id,
        createdById: tenant.owner.id,
        name: "Rosa Envío",
        phone: "0991112233",
        consent: true,
        defaultCountry: "EC",
        publicUrl: "http://127.0.0.1",
      });
      const em = workspaceEm(orm.em.fork(), tenant.workspaceId);
      const owner = await em.findOneOrFail(User, { id: tenant.owner.id }, { populate: ["workspace"] });
      const reset = await issuePasswordReset(em, { user: owner }, tenant.receptionist.id);
      const invitation = await inviteUser(workspaceEm(orm.em.fork(), tenant.workspaceId), { user: owner }, { email: `invitada.${Date.now()}@example.ec`, role: "DOCTOR" });
      const tokens = await orm.em
        .fork()
        .execute<{ public_token: string; status: string }[]>("select public_token, status from patients where campaign_id = ? order by phone", [campaignId]);
      const [contact] = await orm.em.fork().execute<{ id: string }[]>("select id from contacts where workspace_id = ? and phone = '+593981110001'", [tenant.workspaceId]);
      await orm.em.fork().execute("update contacts set last_contact_at = now() - interval '2 hours' where workspace_id = ?", [tenant.workspaceId]);
      await orm.em
        .fork()
        .execute("insert into contact_notes (workspace_id, contact_id, author_id, body) values (?, ?, ?, 'Llamar por la tarde.')", [tenant.workspaceId, contact!.id, tenant.owner.id]);
      const libraryId = await seedLibraryEntry(db.url, tenant, { name: "Limpieza" });
      await orm.em.fork().execute("update templates set usage_count = 2, last_used_at = '2026-11-29T03:30:00Z' where id = ?", [libraryId]);
      // A lead that wrote to the own number two hours ago: the board shows when it entered its stage.
      await orm.em
        .fork()
        .execute("insert into contacts (workspace_id, phone, name, source, lead_status, lead_status_at) values (?, '+593981119999', 'Prospecto Web', 'WIDGET', 'NEW', now() - interval '2 hours')", [tenant.workspaceId]);
      const widget = await orm.em.fork().transactional(async (tem) => {
        const { publicKey } = await widgetSettings(tem, tenant.workspaceId, new Date());
        const posted = await postVisitorMessage(tem, (await findWidgetByKey(tem, publicKey))!, { token: null, body: "¿Atienden los sábados?", language: "es", now: new Date() });
        return `/widget/${publicKey}?v=${posted.token}`;
      });
      fixture = {
        widgetChat: widget,
        contactId: contact!.id,
        libraryId,
        tenant,
        campaignId,
        draftId: draft.campaignId,
        sentCampaignId: sent.campaignId,
        ratingToken: tokens[0]!.public_token,
        feedbackToken: tokens[1]!.public_token,
        resetToken: reset.token,
        inviteToken: invitation.token,
      };
    } finally {
      await orm.close(true);
    }
    web = await startWebServer({ databaseUrl: db.url, env: { TZ: "UTC" } });
    const session: Session = await signIn(web.url, tenant.owner.email, tenant.owner.password);
    browser = await launchChromium({ locale: "es-EC", timezoneId: VIEWER_ZONE });
    staff = await browser.newContext();
    await staff.addCookies([{ name: "__session", value: session.cookie.slice("__session=".length), url: web.url }]);
    visitor = await browser.newContext();
    for (const c of [staff, visitor]) c.setDefaultTimeout(30_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  it("the browser really is in another zone than the server and the practice", async () => {
    const page = await visitor.newPage();
    try {
      expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(VIEWER_ZONE);
      expect(await page.evaluate(() => navigator.language)).toBe("es-EC");
    } finally {
      await page.close();
    }
  });

  it.each(pages)("$file hydrates without a mismatch", async ({ kind, url, shows }) => {
    const page = await (kind === "staff" ? staff : visitor).newPage();
    const problems: string[] = [];
    watchHydration(page, problems);
    try {
      const response = await page.goto(`${web.url}${url(fixture)}`);
      expect(response?.status(), `${url(fixture)} answered`).toBe(200);
      // A staff page must not have sent us to the login page.
      expect(new URL(page.url()).pathname).toBe(new URL(`${web.url}${url(fixture)}`).pathname);
      await hydrated(page);
      if (shows) expect(await page.locator("main").innerText()).toMatch(shows);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

async function hydrated(page: Page): Promise<void> {
  await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
  // Errors reported during hydration reach the test as events: let them arrive.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
}
