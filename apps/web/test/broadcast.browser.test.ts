// A broadcast end to end (SPEC §14), in headless Chromium against the real processes: the production
// web build, relay and worker as child processes and the provider simulator (with its fake
// chat-completions endpoint for the AI drafts). The owner labels contacts and records their
// marketing consent on the contact page, drafts the text with "Redactar con IA", edits and saves it,
// previews the audience — each excluded reason counted (no marketing consent, opted out, erased,
// destination country not allowed, frequency cap) — schedules the broadcast for the next minute in
// the practice's zone and watches its page; the simulator receives exactly one message per eligible
// contact, with the opt-out line, and none for the excluded ones. The new page works without
// JavaScript, at 360 px and axe-clean, in Spanish and English.
import { fileURLToPath } from "node:url";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { grantCredits } from "@rm/credits";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, unexpectedProblems, watch, submitSignIn } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the broadcast browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const ZONE = "America/Guayaquil";

const P = {
  ana: "+593991240001",
  bruno: "+593991240002",
  carla: "+593991240003", // labelled, no marketing consent
  diego: "+593991240004", // marketing consent, then opted out
  eva: "+593991240005", // erased
  frank: "+12025550147", // the United States: not an allowed destination
  gina: "+593991240007", // two broadcasts this month already
};

describe.skipIf(!present)("a broadcast in the browser, through the real processes", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  let a: Tenant;
  const problems: string[] = [];
  const contactIds: Record<string, string> = {};

  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
  const sentTo = (phone: string) => env.sim.state.messages.filter((m) => m.to === phone);

  async function signIn(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    watch(page, problems);
    await submitSignIn(page, `${webUrl}/login`, a.owner);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    return page;
  }

  beforeAll(async () => {
    ensureProductionBuild();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    env = await createRunEnv({
      simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
      workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl },
    });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/broadcast-${env.id}` });
    pm.start("web", "web-0", {
      PORT: String(webPort),
      HOST: "127.0.0.1",
      SESSION_SECRET: "broadcast-session-secret-0123456789abcdef",
      METRICS_PORT: "0",
      AI_BASE_URL: `${env.sim.url}/v1`,
      AI_MODEL: "sim-model",
    });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");

    a = await createTenant(env.databaseUrl, "A", "PROFESSIONAL");
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null, timezone = ? where id = ?", [ZONE, a.workspaceId]);
    await grantCredits(env.orm.em.fork(), { workspaceId: a.workspaceId, amount: 200, reference: "broadcast", reason: "test" });
    const names: Record<string, string> = { ana: "Ana Paredes", bruno: "Bruno Núñez", carla: "Carla Mora", diego: "Diego Paz", eva: "Eva Ruiz", frank: "Frank Lee", gina: "Gina Sol" };
    for (const [key, phone] of Object.entries(P)) {
      const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, name, sms_consent_at, sms_consent_source) values (?, ?, ?, now(), 'CSV_IMPORT') returning id", [a.workspaceId, phone, names[key]]);
      contactIds[key] = c!.id;
    }
    // Those the owner does not label or consent in the browser: their state as other pages would leave it.
    await sql("update contacts set marketing_consent_at = now(), marketing_consent_source = 'STAFF' where id = any(?::uuid[])", [`{${[contactIds.diego, contactIds.eva, contactIds.frank, contactIds.gina].join(",")}}`]);
    await sql("update contacts set opted_out_at = now(), opted_out_source = 'SMS:STOP' where id = ?", [contactIds.diego]);
    await sql("update contacts set erased_at = now() where id = ?", [contactIds.eva]);
    // Gina got two broadcasts this month (the default cap is 2 in 30 days).
    const [earlier] = await sql<{ id: string }>(
      "insert into campaigns (workspace_id, practice_id, created_by_id, name, status, kind, broadcast_channel, total_patients, activated_at) values (?, ?, ?, 'Feriados', 'COMPLETED', 'BROADCAST', 'SMS', 1, now()) returning id",
      [a.workspaceId, a.practiceId, a.owner.id],
    );
    const [gp] = await sql<{ id: string }>(
      "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, status) values (?, ?, ?, 'Gina Sol', ?, now(), 'SMS', 'SENT') returning id",
      [a.workspaceId, earlier!.id, contactIds.gina, P.gina],
    );
    for (const n of [1, 2]) {
      await sql(
        "insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, provider_sid, send_attempted_at, sent_at) values (?, ?, ?, 'BROADCAST', 'SMS', 'DELIVERED', ?, 'Feriado', ?, now() - interval '3 days', now() - interval '3 days')",
        [a.workspaceId, gp!.id, earlier!.id, P.gina, `SMgina${n}${env.id}`.padEnd(34, "0").slice(0, 34)],
      );
    }

    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("labels, consents, drafts with AI, previews the exclusions, schedules and sends one message per eligible contact", { timeout: 300_000 }, async () => {
    const owner = await browser.newContext({ locale: "es-EC", timezoneId: ZONE });
    owner.setDefaultTimeout(20_000);
    const page = await signIn(owner);

    // A label, put on contacts from their pages; marketing consent recorded with its evidence.
    await page.goto(`${webUrl}/contacts`);
    await page.getByLabel("Nueva etiqueta").fill("limpieza");
    await page.getByRole("button", { name: "Crear etiqueta" }).click();
    await page.getByText("Etiqueta creada.").waitFor();
    const [label] = await sql<{ id: string }>("select id from labels where workspace_id = ? and name = 'limpieza'", [a.workspaceId]);
    for (const key of ["ana", "bruno", "carla"] as const) {
      await page.goto(`${webUrl}/contacts/${contactIds[key]}`);
      await page.getByLabel("Añadir etiqueta").selectOption(label!.id);
      await page.getByRole("button", { name: "Añadir", exact: true }).click();
      await page.getByTestId("contact-labels").getByText("limpieza").waitFor();
      if (key === "carla") continue;
      // Without evidence the consent is refused, and nothing is recorded.
      await page.getByTestId("marketing-consent").getByRole("button", { name: "Registrar consentimiento de marketing" }).click();
      await page.getByLabel("Cómo lo obtuvo (obligatorio)").fill("Firmó el formulario de marketing en recepción");
      await page.getByRole("button", { name: "Registrar consentimiento de marketing" }).click();
      await page.getByText("Consentimiento de marketing registrado.").waitFor();
      await page.getByTestId("consent-history").getByText(/mensajes de marketing/).first().waitFor();
    }
    await sql("insert into contact_labels (workspace_id, contact_id, label_id) select ?, unnest(?::uuid[]), ?", [
      a.workspaceId,
      `{${[contactIds.diego, contactIds.eva, contactIds.frank, contactIds.gina].join(",")}}`,
      label!.id,
    ]);

    // The text: drafted with AI (the simulator's fake), edited, saved as a broadcast template.
    await page.goto(`${webUrl}/templates/drafts`);
    await page.getByLabel("Objetivo del mensaje").fill("Recordar la limpieza de cada seis meses");
    await page.getByRole("button", { name: "Redactar con IA" }).click();
    const draft = page.getByRole("textbox", { name: "Borrador 1", exact: true });
    await draft.waitFor();
    // It ends with words: the library refuses a WhatsApp text that ends with a variable.
    await draft.fill("Hola {{name}}, ya le toca su limpieza semestral en {{practice}}. Le esperamos.");
    await page.getByLabel("Nombre de la plantilla (borrador 1)").fill("Limpieza semestral");
    await page.getByRole("button", { name: "Guardar borrador 1 como plantilla" }).click();
    await page.getByText("Plantilla «Limpieza semestral» guardada.").waitFor();

    // The audience and its preview: every reason counted.
    await page.goto(`${webUrl}/campaigns`);
    await page.getByRole("link", { name: "Nueva difusión" }).click();
    await page.getByRole("heading", { name: "Nueva difusión", level: 1 }).waitFor();
    await page.getByLabel("limpieza").check();
    await page.getByLabel("Texto de la biblioteca").selectOption({ label: "Limpieza semestral" });
    await page.getByRole("button", { name: "Ver a quién llega" }).click();
    const preview = page.getByTestId("broadcast-preview");
    await preview.waitFor();
    await preview.getByText("7 contactos cumplen los filtros").waitFor();
    await preview.getByText("2 recibirán el mensaje").waitFor();
    const excluded = async (reason: string) => (await page.getByTestId(`excluded-${reason}`).getByRole("cell").innerText()).trim();
    for (const reason of ["OPTED_OUT", "ERASED", "NO_MARKETING_CONSENT", "FREQUENCY_CAP", "COUNTRY_NOT_ALLOWED"]) expect(await excluded(reason), reason).toBe("1");
    // A real recipient's text, with the opt-out line, and the whole audience's cost.
    await preview.getByText(/Hola (Ana|Bruno), ya le toca su limpieza semestral en Consultorio A\. Le esperamos\.\s+Responda BAJA para no recibir mas mensajes\./).waitFor();
    await preview.getByText(/1 segmento \(GSM-7\) · 1 crédito por mensaje · 2 créditos para 2 destinatarios/).waitFor();
    await saveScreenshot(page, "broadcast-audience");
    await expectUsableAt360(browser, page, { strict: true, withoutScripts: true });

    // Scheduled for the next minute, in the practice's zone.
    const due = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(due);
    const part = (t: string) => local.find((p) => p.type === t)!.value;
    await page.getByLabel("Nombre de la difusión").fill("Limpieza de diciembre");
    await page.getByLabel("Fecha").fill(`${part("year")}-${part("month")}-${part("day")}`);
    await page.getByLabel(/^Hora/).fill(`${part("hour")}:${part("minute")}`);
    await page.getByRole("button", { name: "Programar difusión" }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}\?notice=broadcast_created$/);
    await page.getByText("Difusión programada. Los créditos quedaron reservados.").waitFor();
    expect(sentTo(P.ana)).toHaveLength(0);

    // Progress, watched on the broadcast's page until both went out.
    await waitUntil(() => sentTo(P.ana).length === 1 && sentTo(P.bruno).length === 1, 120_000, "the two broadcast messages");
    expect(Date.now()).toBeGreaterThanOrEqual(due.getTime() - 1_000);
    await waitUntil(
      async () => {
        await page.reload();
        return (await page.getByTestId("result-sent").locator("dd").innerText()).trim() === "2";
      },
      30_000,
      "the results page counting both",
    );
    await page.getByTestId("broadcast-progress").getByText("2 de 2 enviados").waitFor();
    for (const phone of [P.carla, P.diego, P.eva, P.frank]) expect(sentTo(phone), phone).toHaveLength(0);
    expect(sentTo(P.gina)).toHaveLength(0);
    expect(sentTo(P.ana)[0]!.body).toBe("Hola Ana, ya le toca su limpieza semestral en Consultorio A. Le esperamos.\nResponda BAJA para no recibir mas mensajes.");
    await saveScreenshot(page, "broadcast-results");
    // The recipients' table below the results scrolls sideways inside its own region, as on every campaign page.
    await expectUsableAt360(browser, page, { withoutScripts: true, scrollInside: ".table-scroll" });

    // The list shows it beside the feedback campaigns, with its kind; the page reads in English too.
    await page.goto(`${webUrl}/campaigns?kind=BROADCAST`);
    await page.getByTestId("campaign-table").getByRole("row").filter({ hasText: "Limpieza de diciembre" }).getByText("Difusión").waitFor();
    expect(unexpectedProblems(problems, [400, 409])).toEqual([]);
  });

  it("works without JavaScript and in English", { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 }, locale: "en-US" });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await submitSignIn(page, `${webUrl}/login`, a.owner);
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await page.goto(`${webUrl}/campaigns/broadcast`);
    await page.getByRole("heading", { name: "Nueva difusión", level: 1 }).waitFor();
    // The language switch is a plain form on every page.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "New broadcast", level: 1 }).waitFor();
    await page.getByLabel("limpieza").check();
    await page.getByRole("button", { name: "Preview the audience" }).click();
    await page.getByTestId("broadcast-preview").getByText(/contacts match the filters/).waitFor();
    await page.getByText("No marketing consent").waitFor();
    await ctx.close();
  });
});
