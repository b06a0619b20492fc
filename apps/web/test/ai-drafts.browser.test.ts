// "Redactar con IA" in headless Chromium at 360 px with JavaScript off, against the production build
// and the simulator's fake chat-completions endpoint (SPEC §14), in the demo workspace: a brief gives
// three drafts (seed 004's {nombre_cliente} mapped to {{name}}), a draft with an unknown variable is
// refused with everything kept, the fixed one is saved as a broadcast template; provider errors,
// slowness and the daily limit are clear messages in Spanish and English; no prompt carries a
// patient's name or phone. The same flow runs with JavaScript on. Without AI_BASE_URL the page says how
// to enable it. Axe-clean throughout.
import { seedDemo, DEMO } from "@rm/demo";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { Browser, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, saveScreenshot, unexpectedProblems, watch, expectUsableAt360 } from "./support/browser.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the AI drafts browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

// Rejected forms and provider failures answer with these statuses: expected, not problems.
const EXPECTED_STATUSES = [400, 429, 502, 503, 504];
// With JavaScript off, Chromium refuses the module preloads ("csp"): that is the point of the run.
const problemsOf = (all: string[]) => unexpectedProblems(all.filter((p) => !/^request failed: .*\.js csp$/.test(p)), EXPECTED_STATUSES);

describe.skipIf(!present)("AI drafts of broadcast texts", () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let sim: Simulator;
  let web: WebServer;
  let unconfigured: WebServer;
  let browser: Browser;
  let workspaceId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
    try {
      workspaceId = (await seedDemo(orm)).workspaceId;
    } finally {
      await orm.close(true);
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    sim = createSimulator({ accountSid: "AC" + "6e".repeat(16), authTokens: ["test-auth-token"] });
    await sim.listen(0);
    [web, unconfigured] = await Promise.all([
      startWebServer({ databaseUrl: db.url, env: { AI_BASE_URL: `${sim.url}/v1`, AI_MODEL: "sim-model", AI_API_KEY: "sk-never-logged-0123456789", AI_TIMEOUT_MS: "1500" } }),
      startWebServer({ databaseUrl: db.url, env: { AI_BASE_URL: "" } }),
    ]);
    sim.ai.configure({ apiKey: "sk-never-logged-0123456789" });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await unconfigured?.stop();
    await sim?.close();
    await sql?.end();
    await db?.drop();
  });

  async function signedIn(baseUrl: string): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel("Correo electrónico").fill(DEMO.ownerEmail);
    await page.getByLabel("Contraseña").fill(DEMO.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    return page;
  }

  const axeClean = (page: Page) => expectUsableAt360(browser, page, { strict: true, withoutScripts: true });

  async function fillBrief(page: Page, objective: string): Promise<void> {
    await page.getByLabel("Objetivo del mensaje").fill(objective);
    await page.getByLabel("Tono").selectOption("cercano");
    await page.getByLabel("Largo", { exact: true }).selectOption("corto");
    await page.getByLabel("Puntos clave (uno por línea, opcional)").fill("Atendemos los sábados\nPrimera consulta sin costo");
  }

  it("drafts three texts, refuses an unknown variable keeping everything, and saves the fixed draft", { timeout: 120_000 }, async () => {
    const page = await signedIn(web.url);
    await page.goto(`${web.url}/templates`);
    await page.getByRole("link", { name: "Redactar con IA" }).click();
    await page.getByRole("heading", { name: "Redactar con IA", level: 1 }).waitFor();
    await page.getByText("Hoy: 0 de 20 pedidos de borradores.").waitFor();
    await axeClean(page);

    await fillBrief(page, "Recordar la limpieza de cada seis meses");
    await page.getByRole("button", { name: "Redactar con IA" }).click();
    await page.getByRole("heading", { name: "Borradores", level: 2 }).waitFor();
    const draft = (n: number) => page.getByRole("textbox", { name: `Borrador ${n}`, exact: true });
    expect(await draft(1).inputValue()).toContain("Recordar la limpieza de cada seis meses");
    // The fake's third draft uses seed 004's variables: they arrive as ours.
    expect(await draft(3).inputValue()).toMatch(/^¡Hola \{\{name\}\}!.*Saludos, \{\{doctor\}\}$/);
    await page.getByText("Hoy: 1 de 20 pedidos de borradores.").waitFor();
    // Checked like any template: SMS cost, and the opt-out line an SMS broadcast needs.
    expect(await page.getByText("Sin línea de baja").count()).toBe(3);
    await page.getByText(/SMS: \d+ caracteres, \d+ segmentos? \((GSM-7|UCS-2)\)/).first().waitFor();
    await saveScreenshot(page, "ai-drafts");
    await axeClean(page);

    // The prompt: the brief and nothing of the workspace's patients (the demo's six).
    const patients = (await sql.query("select p.name, c.phone from patients p join contacts c on c.id = p.contact_id where p.workspace_id = $1", [workspaceId])).rows as { name: string; phone: string }[];
    expect(patients.length).toBeGreaterThan(0);
    const prompt = JSON.stringify(sim.ai.requests.map((r) => r.body));
    expect(prompt).toContain("Recordar la limpieza de cada seis meses");
    for (const p of patients) {
      for (const part of [p.name, ...p.name.split(" "), p.phone, p.phone.slice(4)]) expect(prompt, part).not.toContain(part);
    }

    // An unknown variable: refused, nothing saved, the brief and the three drafts still there.
    const libraryCount = async () => (await sql.query("select count(*)::int as n from templates where type = 'BROADCAST'")).rows[0].n as number;
    const before = await libraryCount();
    await draft(1).fill("Hola {{name}}, llame al {{telefono}} para su limpieza.");
    await page.getByRole("button", { name: "Guardar borrador 1 como plantilla" }).click();
    await page.getByText("Variables desconocidas: {{telefono}}").waitFor();
    expect(await draft(1).inputValue()).toBe("Hola {{name}}, llame al {{telefono}} para su limpieza.");
    expect(await draft(3).inputValue()).toContain("{{doctor}}");
    expect(await page.getByLabel("Objetivo del mensaje").inputValue()).toBe("Recordar la limpieza de cada seis meses");
    expect(await libraryCount()).toBe(before);
    await axeClean(page);

    // The library's own rules have the last word: WhatsApp refuses a text that starts with a variable.
    await draft(1).fill("{{name}}, ya le toca su limpieza semestral.");
    await page.getByRole("button", { name: "Guardar borrador 1 como plantilla" }).click();
    await page.getByText("El texto no puede empezar ni terminar con una variable: WhatsApp lo rechaza.").waitFor();
    expect(await draft(1).inputValue()).toBe("{{name}}, ya le toca su limpieza semestral.");
    expect(await libraryCount()).toBe(before);

    await draft(1).fill("Hola {{name}}, ya le toca su limpieza semestral en {{practice}}. Responda BAJA para no recibir más mensajes.");
    await page.getByLabel("Nombre de la plantilla (borrador 1)").fill("Limpieza semestral");
    await page.getByRole("button", { name: "Guardar borrador 1 como plantilla" }).click();
    await page.getByText("Plantilla «Limpieza semestral» guardada.").waitFor();
    // One new library text (the demo workspace has its own two beside it).
    expect(await libraryCount()).toBe(before + 1);
    const saved = (await sql.query("select type, name, objective, body, is_default from templates where type = 'BROADCAST' and workspace_id = $1 and name = 'Limpieza semestral'", [workspaceId])).rows;
    expect(saved).toEqual([
      { type: "BROADCAST", name: "Limpieza semestral", objective: "Recordar la limpieza de cada seis meses", body: "Hola {{name}}, ya le toca su limpieza semestral en {{practice}}. Responda BAJA para no recibir más mensajes.", is_default: false },
    ]);
    // In the library, with the brief's objective carried over.
    await page.getByRole("link", { name: "Limpieza semestral" }).click();
    await page.getByRole("heading", { name: "Limpieza semestral", level: 1 }).waitFor();
    expect(await page.getByLabel("Objetivo (opcional)").inputValue()).toBe("Recordar la limpieza de cada seis meses");
    expect(problemsOf(problems)).toEqual([]);
  });

  it("says clearly when the provider is rate limited, slow or answers nonsense, in Spanish and English", { timeout: 120_000 }, async () => {
    const page = await signedIn(web.url);
    await page.goto(`${web.url}/templates/drafts`);
    await fillBrief(page, "Nuevo doctor en el consultorio");
    const submit = () => page.getByRole("button", { name: /Redactar con IA|Draft with AI/ }).click();

    sim.ai.script([{ status: 429 }]);
    await submit();
    await page.getByRole("alert").filter({ hasText: "demasiados pedidos" }).waitFor();
    // What was typed is still there.
    expect(await page.getByLabel("Objetivo del mensaje").inputValue()).toBe("Nuevo doctor en el consultorio");
    await axeClean(page);

    sim.ai.script([{ hang: true }]);
    await submit();
    await page.getByRole("alert").filter({ hasText: "no respondió a tiempo" }).waitFor();

    sim.ai.script([{ content: "Aquí tiene tres ideas…" }, { content: '{"drafts": []}' }]);
    await submit();
    await page.getByRole("alert").filter({ hasText: "algo que no son tres borradores" }).waitFor();

    sim.ai.script([{ status: 500 }]);
    await submit();
    await page.getByRole("alert").filter({ hasText: "respondió con un error" }).waitFor();

    await page.goto(`${web.url}/templates/drafts`);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Draft with AI", level: 1 }).waitFor();
    await page.getByLabel("What the message is for").fill("New doctor at the practice");
    sim.ai.script([{ hang: true }]);
    await submit();
    await page.getByRole("alert").filter({ hasText: "did not answer in time" }).waitFor();
    await axeClean(page);

    // The daily limit: the owner set it to what is used already.
    const used = (await sql.query("select count(*)::int as n from audit_logs where workspace_id = $1 and action = 'template.ai_drafted'", [workspaceId])).rows[0].n as number;
    await sql.query("update workspaces set ai_drafts_per_day = $1 where id = $2", [used, workspaceId]);
    const before = sim.ai.requests.length;
    await submit();
    await page.getByRole("alert").filter({ hasText: `Today's ${used} draft requests are used up` }).waitFor();
    expect(sim.ai.requests.length).toBe(before);
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByRole("heading", { name: "Redactar con IA", level: 1 }).waitFor();
    await page.getByLabel("Objetivo del mensaje").fill("Nuevo doctor");
    await submit();
    await page.getByRole("alert").filter({ hasText: `Ya se usaron los ${used} pedidos de borradores de hoy` }).waitFor();
    await sql.query("update workspaces set ai_drafts_per_day = 20 where id = $1", [workspaceId]);
    expect(problemsOf(problems)).toEqual([]);
  });

  it("works the same with JavaScript on: a brief gives drafts and an edited one is saved", { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page, problems);
    await page.goto(`${web.url}/login`);
    await page.getByLabel("Correo electrónico").fill(DEMO.ownerEmail);
    await page.getByLabel("Contraseña").fill(DEMO.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(`${web.url}/templates/drafts`);
    await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
    await page.getByLabel("Objetivo del mensaje").fill("Horario de diciembre");
    await page.getByRole("button", { name: "Redactar con IA" }).click();
    await page.getByRole("heading", { name: "Borradores", level: 2 }).waitFor();
    await page.getByRole("textbox", { name: "Borrador 2", exact: true }).fill("En {{practice}} en diciembre atendemos hasta el 23. Responda BAJA para no recibir más mensajes.");
    await page.getByLabel("Nombre de la plantilla (borrador 2)").fill("Diciembre");
    await page.getByRole("button", { name: "Guardar borrador 2 como plantilla" }).click();
    await page.getByText("Plantilla «Diciembre» guardada.").waitFor();
    expect((await sql.query("select count(*)::int as n from templates where name = 'Diciembre' and type = 'BROADCAST'")).rows[0].n).toBe(1);
    await context.close();
    expect(problemsOf(problems)).toEqual([]);
  });

  it("without AI_BASE_URL explains how to enable drafting, and the button says the same", { timeout: 60_000 }, async () => {
    const page = await signedIn(unconfigured.url);
    await page.goto(`${unconfigured.url}/templates/drafts`);
    await page.getByText(/no está activada en esta instalación.*AI_BASE_URL/).first().waitFor();
    await page.getByLabel("Objetivo del mensaje").fill("Horario de vacaciones");
    await page.getByRole("button", { name: "Redactar con IA" }).click();
    await page.getByRole("alert").filter({ hasText: "AI_BASE_URL" }).waitFor();
    expect(await page.getByLabel("Objetivo del mensaje").inputValue()).toBe("Horario de vacaciones");
    await axeClean(page);
    // The API key reached the provider as a bearer token and never a log line.
    expect(web.logs.join("\n")).not.toContain("sk-never-logged-0123456789");
    expect(problemsOf(problems)).toEqual([]);
  });
});
