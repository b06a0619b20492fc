// Every staff page on a 360-px phone, in headless Chromium against the production build: a workspace
// with a campaign, contacts, inbox items, users and a long audit log; each page is opened as its
// owner, in Spanish and in English, and must be axe-clean with nothing wider than the screen except
// inside a table's own scrolling region (expectUsableAt360). The navigation is one sideways-scrolling
// row and wide tables stack or scroll in their own box, with and without JavaScript.
import { readdirSync } from "node:fs";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenantCampaign } from "./support/campaigns.ts";
import { seedContactFixture } from "./support/contacts.ts";
import { inboxItemUrl, seedInboxItems } from "./support/inbox-items.ts";
import { seedLibraryEntry } from "./support/library.ts";
import { seedThreads, threadUrl } from "./support/threads.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the phone pages browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

/** Besides the layout's own (the navigation row, tables that do not stack): code snippets scroll sideways. */
const SCROLL_INSIDE = ".snippet";

describe.skipIf(!present)("every staff page on a 360-px phone", () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let tenant: Tenant;
  let campaignId: string;
  let contactId: string;
  let draftId: string;
  let libraryId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    tenant = await createTenant(db.url, "movil");
    const base = Date.now();
    campaignId = await createTenantCampaign(db.url, tenant, [
      { name: "María Fernanda Villavicencio Zambrano", phone: "+593991230001", state: "rated", rating: 5, clicked: true },
      { name: "José Andrés Quishpe", phone: "+593991230002", state: "rated", rating: 2, feedback: "La espera fue de más de una hora y nadie nos avisó del retraso." },
      { name: "Carmen Lucía Herrera", phone: "+593991230003", state: "failed", errorCode: 63016, errorText: "Fuera de la ventana de 24 horas de WhatsApp." },
      { name: "Luis Alberto Cevallos", phone: "+593991230004", state: "skipped", skipReason: "NO_CONSENT" },
      { name: "Ana Gabriela Torres", phone: "+593991230005", state: "delivered" },
    ]);
    ({ contactId } = await seedContactFixture(db.url, tenant, "+593991230005"));
    await seedInboxItems(db.url, [tenant]);
    await seedThreads(db.url, [tenant]);
    libraryId = await seedLibraryEntry(db.url, tenant, { name: "Recordatorio de limpieza semestral", objective: "Traer de vuelta a quienes no vienen hace seis meses" });
    // An audit log with long entries (a renamed practice, a changed setting with its values).
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      for (let i = 0; i < 6; i++) {
        await orm.em.fork().execute(
          `insert into audit_logs (workspace_id, actor_id, action, entity_type, entity_id, ip, details, created_at)
           values (?, ?, 'settings.updated', 'workspace', ?, '2800:bf0:8040:1c4b:a5d1:7e2f:19c3:44aa', ?, ?)`,
          [
            tenant.workspaceId,
            tenant.owner.id,
            tenant.workspaceId,
            JSON.stringify({ quietHoursStart: "21:00", quietHoursEnd: "08:00", extraDestinationCountries: ["CO", "PE", "US"], reviewGating: "OFF", note: "x".repeat(80) }),
            new Date(base - i * 3600_000),
          ],
        );
      }
      // An upload waiting to be confirmed, with a rejected row.
      const { createCampaignDraft, parsePatientCsv } = await import("@rm/importer");
      const parsed = await parsePatientCsv(Buffer.from("nombre;telefono;fecha;consentimiento\r\nRosa Benítez Argüello;0991230011;23/11/2026;si\r\nPedro Salazar;;23/11/2026;si\r\n"));
      ({ campaignId: draftId } = await createCampaignDraft(orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctor.id, createdById: tenant.owner.id, name: "Controles de diciembre", parsed }));
    } finally {
      await orm.close(true);
    }
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  async function signedIn(locale: "es" | "en", javaScriptEnabled = true): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, javaScriptEnabled });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    // Without JavaScript the refused script requests are expected.
    if (javaScriptEnabled) watch(page, problems);
    await submitSignIn(page, `${web.url}/login`, tenant.owner);
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    if (locale === "en") {
      await page.getByRole("button", { name: "English" }).first().click();
      await page.locator('html[lang="en"]').waitFor({ state: "attached" });
    }
    await page.close();
    return context;
  }

  /** Every staff page module (apps/web/app/routes/_app.*.tsx) and the address it is opened at. */
  const pages = (): Record<string, string> => ({
    "_app._index.tsx": "/",
    "_app.campaigns._index.tsx": "/campaigns",
    "_app.campaigns.new.tsx": "/campaigns/new",
    "_app.campaigns.send.tsx": "/campaigns/send",
    "_app.campaigns.$id.tsx": `/campaigns/${campaignId}`,
    "_app.campaigns.drafts.$id.tsx": `/campaigns/drafts/${draftId}`,
    "_app.campaigns.broadcast.tsx": "/campaigns/broadcast",
    "_app.conversations._index.tsx": "/conversations",
    "_app.conversations.$id.tsx": threadUrl(tenant),
    "_app.inbox._index.tsx": "/inbox",
    "_app.inbox.$id.tsx": inboxItemUrl(tenant),
    "_app.contacts._index.tsx": "/contacts",
    "_app.contacts.$id.tsx": `/contacts/${contactId}`,
    "_app.leads._index.tsx": "/leads",
    "_app.analytics._index.tsx": "/analytics",
    "_app.billing.tsx": "/billing",
    "_app.billing_.success.tsx": "/billing/success",
    "_app.billing_.cancel.tsx": "/billing/cancel",
    "_app.templates._index.tsx": "/templates",
    "_app.templates.$id.tsx": `/templates/${tenant.templateId}`,
    "_app.templates.drafts.tsx": "/templates/drafts",
    "_app.templates.library._index.tsx": "/templates/library",
    "_app.templates.library.new.tsx": "/templates/library/new",
    "_app.templates.library.$id.tsx": `/templates/library/${libraryId}`,
    "_app.practices._index.tsx": "/practices",
    "_app.practices.new.tsx": "/practices/new",
    "_app.practices.$id.tsx": `/practices/${tenant.practiceId}`,
    "_app.practices_.$id.knowledge.tsx": `/practices/${tenant.practiceId}/knowledge`,
    "_app.settings.tsx": "/settings",
    "_app.settings_.sender.tsx": "/settings/sender",
    "_app.settings_.api.tsx": "/settings/api",
    "_app.settings_.webhooks.tsx": "/settings/webhooks",
    "_app.settings_.assistant.tsx": "/settings/assistant",
    "_app.settings_.widget.tsx": "/settings/widget",
    "_app.settings_.api_.reference.tsx": "/settings/api/reference",
    "_app.users.tsx": "/users",
    "_app.audit.tsx": "/audit",
    "_app.account.tsx": "/account",
  });

  it("the run below opens every staff page the app has", () => {
    const modules = readdirSync(new URL("../app/routes/", import.meta.url)).filter((f) => f.startsWith("_app.") && f.endsWith(".tsx") && f !== "_app.tsx");
    expect(Object.keys(pages()).sort()).toEqual(modules.sort());
  });

  for (const locale of ["es", "en"] as const) {
    it(`each page is usable at 360 px (${locale})`, { timeout: 600_000 }, async () => {
      const context = await signedIn(locale);
      try {
        const page = await context.newPage();
        watch(page, problems);
        const failures: string[] = [];
        for (const path of Object.values(pages())) {
          const response = await page.goto(`${web.url}${path}`);
          expect(response?.status(), path).toBe(200);
          await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
          // Every page, then every overflow at once: one run names all that needs fixing.
          await expectUsableAt360(browser, page, { scrollInside: SCROLL_INSIDE }).catch((e: Error & { actual?: unknown }) => failures.push(`${path}: ${JSON.stringify(e.actual ?? e.message)}`));
        }
        expect(failures).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("on a phone the navigation is one row that scrolls sideways, and wide tables stack or scroll in their own box", { timeout: 120_000 }, async () => {
    for (const javaScriptEnabled of [true, false]) {
      const context = await signedIn("es", javaScriptEnabled);
      try {
        const page = await context.newPage();
        if (javaScriptEnabled) watch(page, problems);
        await page.goto(`${web.url}/`);
        const nav = page.getByRole("navigation", { name: "Navegación principal" });
        // One row of links instead of four: the page starts on the first screen.
        expect((await nav.boundingBox())!.height).toBeLessThan(64);
        const audit = nav.getByRole("link", { name: "Auditoría", exact: true });
        await audit.scrollIntoViewIfNeeded();
        await audit.click();
        await page.waitForURL(`${web.url}/audit`);
        // The audit log stacks each entry's cells under their column names.
        const action = page.getByTestId("audit-action").first();
        expect(await action.evaluate((td) => getComputedStyle(td, "::before").content)).toBe('"Acción"');
        expect((await action.boundingBox())!.width).toBeLessThanOrEqual(360);
        // The inbox table scrolls inside its own focusable region: the page does not.
        await page.goto(`${web.url}/inbox`);
        const region = page.locator(".table-scroll", { has: page.getByTestId("inbox-table") });
        expect(await region.evaluate((t) => [getComputedStyle(t).overflowX, t.scrollWidth > t.clientWidth])).toEqual(["auto", true]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      } finally {
        await context.close();
      }
    }
  });

  it("saw no page errors or failed requests", () => {
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
