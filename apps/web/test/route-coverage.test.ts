// Every route module of the app, with who may open it and what another workspace's ids answer.
// The table below is checked against the files in app/routes: a new route without a row fails
// this test, so no page reaches production without its tenancy and role checks being exercised.
//
// For each staff page: the status a signed-in owner, doctor and receptionist of workspace A get
// (403 = same-tenant role denial, SPEC §3), the anonymous redirect to the login page, and for pages
// that take an id, a GET and a CSRF-valid POST with workspace B's id → 404 and no change. Every
// signed-in answer carries `Cache-Control: private, no-store`.
import { readdirSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_ROOT } from "./support/build.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { inboxItemUrl, seedInboxItems } from "./support/inbox-items.ts";
import { mediaUrl, seedThreads, threadUrl } from "./support/threads.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { createTenantCampaign } from "./support/campaigns.ts";
import { seedContactFixture } from "./support/contacts.ts";
import { seedLibraryEntry } from "./support/library.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

type Role = "owner" | "doctor" | "receptionist";
type Ids = { practiceId: string; templateId: string };

interface StaffRoute {
  kind: "staff";
  /** URL for tenant `t`. */
  url: (t: Tenant & Ids) => string;
  get: Record<Role, number>;
  /** Pages with another tenant's ids in the URL: GET and POST (with these fields) answer 404. */
  crossTenantPost?: Record<string, string>;
  /** Read-only pages with another tenant's ids in the URL (query filters): GET answers 404. */
  crossTenantGet?: boolean;
}
interface PublicRoute {
  kind: "public";
  url: string;
  /** Status of an anonymous GET. */
  get: number;
}
interface NotAPage {
  kind: "layout" | "module";
  why: string;
}
type RouteSpec = StaffRoute | PublicRoute | NotAPage;

const ALL = { owner: 200, doctor: 200, receptionist: 200 };
const STAFF = { owner: 200, doctor: 200, receptionist: 403 };
const OWNER = { owner: 200, doctor: 403, receptionist: 403 };
const DRAFTING = { owner: 200, doctor: 403, receptionist: 200 };

const ROUTES: Record<string, RouteSpec> = {
  "_app.tsx": { kind: "layout", why: "the staff layout: every _app.* row below goes through it" },
  "_app._index.tsx": { kind: "staff", url: () => "/", get: ALL },
  "_app.account.tsx": { kind: "staff", url: () => "/account", get: ALL },
  "_app.campaigns._index.tsx": { kind: "staff", url: () => "/campaigns", get: ALL },
  // The tenant's campaign is assigned to its doctor (another doctor's answers 404: campaign-page-routes.test.ts).
  "_app.campaigns.$id.tsx": {
    kind: "staff",
    url: (t) => `/campaigns/${campaignIds.get(t.workspaceId)}`,
    get: STAFF,
    crossTenantPost: { intent: "cancel", confirmed: "yes" },
  },
  "_app.campaigns.new.tsx": { kind: "staff", url: () => "/campaigns/new", get: ALL },
  // A new broadcast: owners only; a filter by another workspace's practice answers 404, and so does a POST with it.
  "_app.campaigns.broadcast.tsx": {
    kind: "staff",
    url: (t) => `/campaigns/broadcast?preview=1&practice=${t.practiceId}`,
    get: OWNER,
    crossTenantGet: true,
    crossTenantPost: { name: "Robado", date: "2030-01-01", time: "10:00", channel: "SMS" },
  },
  "_app.campaigns.send.tsx": { kind: "staff", url: () => "/campaigns/send", get: ALL },
  "_app.campaigns.sample[.]csv.ts": { kind: "staff", url: () => "/campaigns/sample.csv", get: ALL },
  "_app.campaigns.sample[.]xlsx.ts": { kind: "staff", url: () => "/campaigns/sample.xlsx", get: ALL },
  // A draft uploaded by the receptionist for the doctor: the three of them (and owners) may open it.
  "_app.campaigns.drafts.$id.tsx": { kind: "staff", url: (t) => `/campaigns/drafts/${drafts.get(t.workspaceId)}`, get: ALL, crossTenantPost: { intent: "discard" } },
  "_app.campaigns.drafts_.$id.rejected[.]csv.ts": { kind: "staff", url: (t) => `/campaigns/drafts/${drafts.get(t.workspaceId)}/rejected.csv`, get: ALL },
  // Filters by practice and doctor: another workspace's ids in them answer 404 (never its figures).
  "_app.analytics._index.tsx": { kind: "staff", url: (t) => `/analytics?range=all&practice=${t.practiceId}&doctor=${t.doctor.id}`, get: STAFF, crossTenantGet: true },
  "_app.inbox._index.tsx": { kind: "staff", url: () => "/inbox", get: STAFF },
  // The item belongs to a campaign assigned to the tenant's doctor (a doctor not assigned gets 404: packages/inbox tests).
  "_app.inbox.$id.tsx": { kind: "staff", url: (t) => inboxItemUrl(t), get: STAFF, crossTenantPost: { status: "RESOLVED", notes: "Robado" } },
  // Contacts: every role sees the list (a doctor only contacts of their patients); a filter by another
  // workspace's label answers 404. The tenant's contact has an appointment of the tenant's doctor
  // (another doctor's contact answers 404: contacts-routes.test.ts).
  "_app.contacts._index.tsx": { kind: "staff", url: (t) => `/contacts?label=${contactFixtures.get(t.workspaceId)?.labelId}`, get: ALL, crossTenantGet: true },
  "_app.contacts[.]csv.ts": { kind: "staff", url: (t) => `/contacts.csv?label=${contactFixtures.get(t.workspaceId)?.labelId}`, get: ALL, crossTenantGet: true },
  "_app.contacts.$id.tsx": { kind: "staff", url: (t) => `/contacts/${contactFixtures.get(t.workspaceId)?.contactId}`, get: ALL, crossTenantPost: { intent: "note", body: "Robado" } },
  // The patient's data file is the owner's (it covers every doctor's appointments).
  "_app.contacts.$id.data[.]json.ts": { kind: "staff", url: (t) => `/contacts/${contactFixtures.get(t.workspaceId)?.contactId}/data.json`, get: OWNER, crossTenantGet: true },
  // Conversations: every role; a doctor sees the threads of their own patients (another doctor's
  // patient's thread answers 404: conversation-routes.test.ts).
  "_app.conversations._index.tsx": { kind: "staff", url: () => "/conversations", get: ALL },
  "_app.conversations.$id.tsx": { kind: "staff", url: (t) => threadUrl(t), get: ALL, crossTenantPost: { intent: "note", note: "Robado" } },
  // The photo is fetched from Twilio with the platform's credentials: the test web server has no
  // Twilio account, so an allowed viewer gets 404 (no media), and another workspace's ids 404 too.
  "_app.conversations.$id_.media.$inboundId.$index.ts": { kind: "staff", url: (t) => mediaUrl(t), get: { owner: 404, doctor: 404, receptionist: 404 }, crossTenantGet: true },
  // Leads: owners and reception (a doctor has none). No id in the URL; another workspace's lead id in
  // the move form answers 404 and moves nothing (leads-routes.test.ts).
  "_app.leads._index.tsx": { kind: "staff", url: () => "/leads", get: DRAFTING },
  "_app.settings.tsx": { kind: "staff", url: () => "/settings", get: STAFF },
  // Owners only; no id in the URL: it acts on the signed-in workspace's own account (own-sender-routes.test.ts).
  "_app.settings_.sender.tsx": { kind: "staff", url: () => "/settings/sender", get: OWNER },
  // Owners only; no id in the URL. Another workspace's key, endpoint or delivery id in a POST answers
  // 404 and changes nothing (crossTenantPost below posts the tenant's own ids to the other tenant).
  "_app.settings_.api.tsx": { kind: "staff", url: () => "/settings/api", get: OWNER },
  "_app.settings_.api_.reference.tsx": { kind: "staff", url: () => "/settings/api/reference", get: OWNER },
  "_app.settings_.webhooks.tsx": { kind: "staff", url: () => "/settings/webhooks", get: OWNER },
  // Owners only (SPEC §16); no id in the URL: it changes the signed-in workspace's own switches.
  "_app.settings_.assistant.tsx": { kind: "staff", url: () => "/settings/assistant", get: OWNER },
  // Owners only; no id in the URL: it shows and edits the signed-in workspace's own widget (its key and
  // allowed origins; a visitor token of another workspace's widget is unknown there: packages/messaging widget.test.ts).
  "_app.settings_.widget.tsx": { kind: "staff", url: () => "/settings/widget", get: OWNER },
  "_app.practices._index.tsx": { kind: "staff", url: () => "/practices", get: STAFF },
  "_app.practices.$id.tsx": {
    kind: "staff",
    url: (t) => `/practices/${t.practiceId}`,
    get: STAFF,
    crossTenantPost: { name: "Robado", timezone: "America/Guayaquil", country: "EC" },
  },
  "_app.practices.new.tsx": { kind: "staff", url: () => "/practices/new", get: OWNER },
  // Owners only (SPEC §16); another workspace's practice answers 404 and its knowledge is not written.
  "_app.practices_.$id.knowledge.tsx": {
    kind: "staff",
    url: (t) => `/practices/${t.practiceId}/knowledge`,
    get: OWNER,
    crossTenantPost: { "parking.es": "Robado", "parking.en": "", awayIntervalHours: "12" },
  },
  "_app.templates._index.tsx": { kind: "staff", url: () => "/templates", get: STAFF },
  "_app.templates.$id.tsx": { kind: "staff", url: (t) => `/templates/${t.templateId}`, get: STAFF, crossTenantPost: { intent: "save", body: "Robado {{name}}" } },
  // Owners and the front desk draft broadcast texts; `saved` names a template just saved (another workspace's: 404).
  // The library: the owner and the front desk edit it (the people who draft with AI), doctors do not see it.
  "_app.templates.library._index.tsx": { kind: "staff", url: () => "/templates/library", get: DRAFTING },
  "_app.templates.library.new.tsx": { kind: "staff", url: () => "/templates/library/new", get: DRAFTING },
  "_app.templates.library.$id.tsx": {
    kind: "staff",
    url: (t) => `/templates/library/${libraryIds.get(t.workspaceId)}`,
    get: DRAFTING,
    crossTenantPost: { intent: "save", name: "Robado", body: "Robado {{name}} hoy", category: "MARKETING" },
  },
  "_app.templates.drafts.tsx": { kind: "staff", url: (t) => `/templates/drafts?saved=${libraryIds.get(t.workspaceId)}`, get: DRAFTING, crossTenantGet: true },
  "_app.users.tsx": { kind: "staff", url: () => "/users", get: OWNER },
  "_app.audit.tsx": { kind: "staff", url: () => "/audit", get: OWNER },
  "_app.billing.tsx": { kind: "staff", url: () => "/billing", get: OWNER },
  "_app.billing.server.ts": { kind: "module", why: "server code of the billing page, not a route" },
  "_app.billing_.success.tsx": { kind: "staff", url: () => "/billing/success", get: OWNER },
  "_app.billing_.cancel.tsx": { kind: "staff", url: () => "/billing/cancel", get: OWNER },
  "api.template-analysis.ts": { kind: "staff", url: () => "/api/template-analysis?type=INITIAL&body=Hola%20%7B%7Bname%7D%7D", get: STAFF },
  "login.tsx": { kind: "public", url: "/login", get: 200 },
  "signup.tsx": { kind: "public", url: "/signup", get: 200 },
  // Without a pending sign-up in the visitor's own cookie it shows only "start again".
  "signup_.verify.tsx": { kind: "public", url: "/signup/verify", get: 200 },
  "logout.tsx": { kind: "public", url: "/logout", get: 302 },
  "lang.tsx": { kind: "public", url: "/lang", get: 302 },
  // Token pages: the token is the only key, unguessable and global; an unknown one is 404.
  "invite.$token.tsx": { kind: "public", url: "/invite/unknown-token-0000000000000000", get: 404 },
  "reset.$token.tsx": { kind: "public", url: "/reset/unknown-token-0000000000000000", get: 404 },
  "q.$token.tsx": { kind: "public", url: "/q/unknown-token-0000000000000000", get: 404 },
  "r.$token.tsx": { kind: "public", url: "/r/unknown-token-0000000000000000", get: 404 },
  "f.$token.tsx": { kind: "public", url: "/f/unknown-token-0000000000000000", get: 404 },
  // The web chat: the widget's public key is the only key, unguessable and global; an unknown one is 404.
  "widget.$key.tsx": { kind: "public", url: "/widget/wk_unknown00000000000000", get: 404 },
  "widget[.]js.ts": { kind: "public", url: "/widget.js?w=wk_unknown00000000000000", get: 404 },
};

const staffRoutes = Object.entries(ROUTES).filter((e): e is [string, StaffRoute] => e[1].kind === "staff");
const publicRoutes = Object.entries(ROUTES).filter((e): e is [string, PublicRoute] => e[1].kind === "public");

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
const sessions = {} as Record<Role, Session>;
const campaignIds = new Map<string, string>();
const contactFixtures = new Map<string, { contactId: string; labelId: string }>();

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  for (const t of [a, b]) campaignIds.set(t.workspaceId, await createTenantCampaign(db.url, t, [{ name: "Paciente Uno", phone: "+593981110001", state: "scheduled" }]));
  await seedInboxItems(db.url, [a, b]);
  for (const t of [a, b]) contactFixtures.set(t.workspaceId, await seedContactFixture(db.url, t, "+593981110001"));
  await seedThreads(db.url, [a, b]);
  web = await startWebServer({ databaseUrl: db.url });
  sessions.owner = await signIn(web.url, a.owner.email, a.owner.password);
  sessions.doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  sessions.receptionist = await signIn(web.url, a.receptionist.email, a.receptionist.password);
});

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("route coverage", () => {
  it("every file in app/routes has a row in this table, and every row a file", () => {
    const files = readdirSync(path.join(WEB_ROOT, "app/routes")).sort();
    expect(files).toEqual(Object.keys(ROUTES).sort());
  });
});

describe.each(staffRoutes)("%s", (_file, route) => {
  it("answers each role of the workspace as SPEC §3 says", async () => {
    for (const role of ["owner", "doctor", "receptionist"] as const) {
      const res = await get(web.url, route.url(a), sessions[role]);
      expect(res.status, `${role} GET ${route.url(a)}`).toBe(route.get[role]);
      // Signed-in answers (pages, downloads, denials) may hold patient data: never cached (SPEC §17).
      expect(res.headers.get("cache-control"), `${role} GET ${route.url(a)}`).toBe("private, no-store");
    }
  });

  it("sends a visitor without a session to the login page", async () => {
    const res = await get(web.url, route.url(a));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });

  if (route.crossTenantPost) {
    it("answers 404 to GET and POST with another workspace's id, and changes nothing", async () => {
      const url = route.url(b);
      expect((await get(web.url, url, sessions.owner)).status).toBe(404);
      expect((await post(web.url, url, sessions.owner, route.crossTenantPost!)).status).toBe(404);
      const ownerB = await signIn(web.url, b.owner.email, b.owner.password);
      const page = await get(web.url, url, ownerB);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain("Robado");
    });
  }
});

describe.each(staffRoutes.filter(([, r]) => r.crossTenantGet))("%s", (_file, route) => {
  it("answers 404 to a GET with another workspace's ids", async () => {
    // Every role that may open the page (the others are refused before any id is read).
    for (const role of (["owner", "doctor", "receptionist"] as const).filter((r) => route.get[r] === 200)) {
      expect((await get(web.url, route.url(b), sessions[role])).status, role).toBe(404);
    }
  });
});

describe.each(publicRoutes)("%s", (_file, route) => {
  it(`answers an anonymous GET with ${route.get}`, async () => {
    expect((await get(web.url, route.url)).status).toBe(route.get);
  });
});

// Library entries for the rows above: one per workspace.
const libraryIds = new Map<string, string>();
beforeAll(async () => {
  for (const t of [a, b]) libraryIds.set(t.workspaceId, await seedLibraryEntry(db.url, t));
});

// Campaign drafts for the rows above: one per workspace, uploaded by its receptionist for its doctor.
const drafts = new Map<string, string>();
beforeAll(async () => {
  const { createCampaignDraft, parsePatientCsv } = await import("@rm/importer");
  const { initOrm } = await import("@rm/db");
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    const parsed = await parsePatientCsv(Buffer.from("nombre;telefono;fecha;consentimiento\r\nAna Prueba;0991234567;23/11/2026;si\r\nSin Teléfono;;23/11/2026;si\r\n"));
    for (const t of [a, b]) {
      const draft = await createCampaignDraft(orm, { workspaceId: t.workspaceId, practiceId: t.practiceId, assignedDoctorId: t.doctor.id, createdById: t.receptionist.id, name: "Borrador", parsed });
      drafts.set(t.workspaceId, draft.campaignId);
    }
  } finally {
    await orm.close(true);
  }
});
