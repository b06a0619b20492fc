// A workspace signed up a minute ago sends WhatsApp, in headless Chromium against the real processes
// (production web build, relay, worker and the provider simulator as Twilio): the owner signs up,
// adds a practice, changes nothing about senders or templates, uploads a list and confirms; the
// patients receive the platform's approved rating request with its buttons 1–5 from the platform's
// WhatsApp number, and a tap on a button is read as the rating.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { createRunEnv, ProcessManager, WHATSAPP_SENDER, type RunEnv } from "@rm/harness";
import { ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
import { excelDate } from "./support/dates.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the WhatsApp defaults browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));


describe.skipIf(!present)("a new workspace sends WhatsApp with the platform's senders and templates", () => {
  let env: RunEnv;
  let pm: ProcessManager;
  let webUrl: string;
  let browser: Browser;
  const problems: string[] = [];
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);


  beforeAll(async () => {
    ensureProductionBuild();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    // The simulator starts with its default approved templates: the same platform SIDs the run's
    // environment gives web and worker (WHATSAPP_DEFAULT_CONTENT_SIDS), nothing else set up.
    env = await createRunEnv({
      simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
      workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl },
    });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/whatsapp-defaults-${env.id}` });
    pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "whatsapp-defaults-session-0123456789", METRICS_PORT: "0" });
    pm.start("relay", "relay-0");
    pm.start("worker", "worker-0");
    browser = await launchChromium();
    await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await pm?.stopAll();
    await env?.close();
  });

  it("signs up, uploads, and the patients receive the rating request as a WhatsApp template", { timeout: 150_000 }, async () => {
    const context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);

    const email = `nueva.${env.id}@example.ec`;
    await page.goto(`${webUrl}/signup`);
    await page.getByLabel("Nombre del consultorio o clínica").fill("Clínica Dental Los Andes");
    await page.getByLabel("Su nombre").fill("Rosa Benítez");
    await page.getByLabel("Correo electrónico").fill(email);
    await page.getByLabel("Contraseña").fill("clave-recien-llegada-1");
    await page.getByLabel("Su celular").fill("0991249999");
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await page.getByRole("heading", { name: "Confirme su celular" }).waitFor();
    // The code arrives at the simulator (Twilio) from the platform's SMS sender.
    await waitUntil(() => env.sim.state.messages.some((m) => m.to === "+593991249999"), 30_000, "the sign-up code");
    const code = /(\d{6})/.exec(env.sim.state.messages.find((m) => m.to === "+593991249999")!.body ?? "")![1]!;
    await page.getByLabel("Código de 6 dígitos").fill(code);
    await page.getByRole("button", { name: "Confirmar" }).click();
    await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();
    const [ws] = await sql<{ id: string; whatsapp_sender: string | null; sms_sender: string | null; whatsapp_content_sids: Record<string, string>; default_channel: string }>(
      "select w.id, w.whatsapp_sender, w.sms_sender, w.whatsapp_content_sids, w.default_channel from workspaces w join users u on u.workspace_id = w.id where u.email = ?",
      [email],
    );
    // Nothing of its own: WhatsApp by default, no sender, no template.
    expect(ws).toMatchObject({ whatsapp_sender: null, sms_sender: null, whatsapp_content_sids: {}, default_channel: "WHATSAPP" });

    // The home page says what is missing; sender and templates are not (the platform's apply).
    await page.goto(`${webUrl}/`);
    await page.getByRole("heading", { name: "Lo que falta para enviar" }).waitFor();
    expect(await page.getByTestId("setup-SENDING").getAttribute("data-done")).toBe("true");
    expect(await page.getByTestId("setup-PRACTICE").getAttribute("data-done")).toBe("false");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "home-setup");
    await page.getByTestId("setup-PRACTICE").getByRole("link", { name: "Agregar un consultorio" }).click();

    await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();
    await page.getByLabel("Nombre", { exact: true }).fill("Sede Centro");
    await page.getByLabel("Place ID de Google").fill("ChIJ-recien-llegada-123");
    await page.getByRole("button", { name: "Crear consultorio" }).click();
    await page.getByText("Consultorio guardado.").waitFor();
    // Sends go out at once, whatever the hour in Guayaquil (quiet hours are not what is tested here).
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [ws!.id]);

    // Appointments two hours ago, "2 hours after": due now. No channel column: the workspace's WhatsApp.
    const [day, time] = excelDate(new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000)).split(" ");
    const P = { ana: "+593991240001", bruno: "+593991240002" };
    const dir = mkdtempSync(path.join(tmpdir(), "rm-wa-defaults-"));
    const file = path.join(dir, "citas.csv");
    writeFileSync(file, ["Nombre;Teléfono;Fecha cita;Hora;Consentimiento", `Ana Paredes;0991240001;${day};${time};sí`, `Bruno Núñez;0991240002;${day};${time};sí`].join("\r\n") + "\r\n");

    await page.goto(`${webUrl}/campaigns/new`);
    await page.getByLabel("Nombre de la campaña").fill("Primer envío");
    await page.getByLabel("Consultorio").selectOption({ label: "Sede Centro" });
    await page.getByLabel("Médico asignado").selectOption({ label: "Rosa Benítez (propietario)" });
    await page.getByLabel("Horas después de la cita").fill("2");
    await page.getByLabel("Archivo CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Subir y revisar" }).click();
    await page.getByRole("heading", { name: "Vista previa: Primer envío" }).waitFor();
    expect(await page.getByTestId("count-whatsapp").textContent()).toBe("2");
    expect(await page.getByTestId("count-sms").textContent()).toBe("0");
    expect(await page.getByTestId("blockers").count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "upload-preview");
    await page.getByRole("button", { name: "Confirmar e importar 2 pacientes" }).click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;

    // At the simulator (Twilio): the platform's approved template from the platform's WhatsApp number,
    // rendered as the patient sees it, with the rating buttons.
    const to = (phone: string) => env.sim.state.messages.filter((m) => m.to === `whatsapp:${phone}`);
    await waitUntil(() => to(P.ana).length === 1 && to(P.bruno).length === 1, 60_000, "the two WhatsApp rating requests");
    for (const [phone, name] of [[P.ana, "Ana"], [P.bruno, "Bruno"]] as const) {
      const m = to(phone)[0]!;
      expect(m).toMatchObject({ channel: "whatsapp", from: WHATSAPP_SENDER, contentSid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL, buttons: ["1", "2", "3", "4", "5"] });
      expect(m.body).toMatch(new RegExp(`^Hola ${name}, gracias por su visita a Sede Centro\\. ¿Cómo calificaría su atención del 1 al 5\\? Toque un número o califique aquí: ${webUrl}/q/[A-Za-z0-9_-]{43}$`));
    }
    await waitUntil(async () => (await sql("select 1 from messages where campaign_id = ? and status = 'DELIVERED'", [campaignId])).length === 2, 30_000, "both delivered");

    // Ana taps "5": the button's payload is her rating, and the thank-you follows inside the window.
    await env.sim.inbound({ from: `whatsapp:${P.ana}`, to: WHATSAPP_SENDER, buttonPayload: "5", buttonText: "5", body: "5" });
    await waitUntil(async () => (await sql<{ rating: number | null }>("select rating from patients where campaign_id = ? and phone = ?", [campaignId, P.ana]))[0]?.rating === 5, 30_000, "Ana's rating");
    await waitUntil(() => to(P.ana).length === 2, 30_000, "Ana's follow-up");
    expect(unexpectedProblems(problems)).toEqual([]);
  });
});
