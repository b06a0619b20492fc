// The web chat widget end to end (SPEC §16, decision 032), in headless Chromium against the production
// build: the owner copies the script tag from /settings/widget and allows a website's origin; a plain
// HTML page served from another local origin — with a strict CSP of its own that adds only the two
// lines the settings page documents — loads the script; a visitor on a phone opens the chat with the
// keyboard and writes; the message appears in the staff thread (channel "Chat web"); the staff answer
// appears in the chat by polling, measured. The visitor's browser requests nothing from any third
// origin. Without JavaScript the chat works as plain forms, in English. Once the practice's knowledge is
// saved, a question it answers gets the bot's answer in the chat, marked as the bot's (decision 038).
// Pages are axe-clean at 360 px;
// the README pictures of the chat on a phone and of the settings page come from here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { demoKnowledge } from "@rm/assistant";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, expectUsableAt360, launchChromium, saveScreenshot, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING the web chat browser test: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const POLL_SECONDS = 2;

/** A practice's website: one static page on its own origin, with the snippet and the documented CSP lines. */
async function startHostSite(page: () => { snippet: string; csp: string }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== "/" && !req.url?.startsWith("/?")) {
      // The browser's own favicon request: nothing to show, and no error for it.
      res.writeHead(req.url === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    const { snippet, csp } = page();
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      // The website's own strict policy, plus exactly the lines the settings page tells owners to add.
      "Content-Security-Policy": `default-src 'self'; style-src 'self'; ${csp.replace(/\n/g, " ").replace(/script-src /, "script-src 'self' ").replace(/frame-src /, "frame-src 'self' ")}`,
    });
    res.end(`<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Clínica Sonrisa</title></head>
<body><main><h1>Clínica Sonrisa</h1><p>Odontología familiar en Quito.</p></main>
${snippet}
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // "localhost" rather than 127.0.0.1: another host and port, so another origin than the app's.
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!present)("the web chat on a practice's website", () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let web: WebServer;
  let browser: Browser;
  let tenant: Tenant;
  let practiceName: string;
  let host: { url: string; server: Server };
  let staff: BrowserContext;
  let staffPage: Page;
  const hostPage = { snippet: "", csp: "" };
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tenant = await createTenant(db.url, "chat");
    practiceName = ((await sql.query("select name from workspaces where id = $1", [tenant.workspaceId])).rows[0] as { name: string }).name;
    web = await startWebServer({ databaseUrl: db.url, env: { WIDGET_POLL_SECONDS: String(POLL_SECONDS) } });
    host = await startHostSite(() => hostPage);
    browser = await launchChromium();
    staff = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    staff.setDefaultTimeout(15_000);
    staffPage = await staff.newPage();
    watch(staffPage, problems);
    await staffPage.goto(`${web.url}/login`);
    await staffPage.getByLabel("Correo electrónico").fill(tenant.owner.email);
    await staffPage.getByLabel("Contraseña").fill(tenant.owner.password);
    await staffPage.getByRole("button", { name: "Ingresar" }).click();
    await staffPage.waitForURL((u) => !u.pathname.startsWith("/login"));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await new Promise((resolve) => host?.server.close(resolve));
    await sql?.end();
    await db?.drop();
  });

  it("the owner takes the snippet and allows the website; a visitor chats with staff from that website", { timeout: 180_000 }, async () => {
    // Settings: the snippet, the CSP lines, the allowed origins (audited), the live preview.
    await staffPage.goto(`${web.url}/settings`);
    await staffPage.getByRole("link", { name: "Chat web para su sitio" }).click();
    await staffPage.getByRole("heading", { name: "Chat web", level: 1 }).waitFor();
    hostPage.snippet = (await staffPage.getByTestId("widget-snippet").textContent())!;
    hostPage.csp = (await staffPage.getByTestId("widget-csp").textContent())!;
    expect(hostPage.snippet).toMatch(new RegExp(`^<script src="${web.url}/widget\\.js\\?w=wk_[A-Za-z0-9_-]+" async></script>$`));
    expect(hostPage.csp).toBe(`script-src ${web.url};\nframe-src ${web.url};`);
    await staffPage.getByLabel("Orígenes permitidos, uno por línea").fill(`${host.url}/contacto`);
    await staffPage.getByRole("button", { name: "Guardar orígenes" }).click();
    await staffPage.getByText(`«${host.url}/contacto» no es un origen válido`).waitFor();
    await staffPage.getByLabel("Orígenes permitidos, uno por línea").fill(host.url);
    await staffPage.getByRole("button", { name: "Guardar orígenes" }).click();
    await staffPage.getByText("Orígenes guardados.").waitFor();
    const audit = await sql.query("select details from audit_logs where workspace_id = $1 and action = 'widget.origins_changed'", [tenant.workspaceId]);
    expect(audit.rows).toEqual([{ details: { added: [host.url], removed: [] } }]);
    // The preview is the real chat, framed by our own page.
    await staffPage.frameLocator(".widget-preview").getByRole("heading", { name: /Escriba a / }).waitFor();
    await saveScreenshot(staffPage, "widget-settings");
    await expectUsableAt360(browser, staffPage, { scrollInside: ".widget-snippet" });

    // The chat page may be framed by the allowed origin and our own pages only.
    const key = /w=(wk_[A-Za-z0-9_-]+)/.exec(hostPage.snippet)![1]!;
    const chatHeaders = (await fetch(`${web.url}/widget/${key}`)).headers;
    expect(chatHeaders.get("content-security-policy")).toContain(`frame-ancestors 'self' ${host.url};`);
    expect(chatHeaders.get("x-frame-options")).toBeNull();
    // Every other page still refuses any frame.
    const login = (await fetch(`${web.url}/login`)).headers;
    expect(login.get("x-frame-options")).toBe("DENY");
    expect(login.get("content-security-policy")).toContain("frame-ancestors 'none'");

    // The visitor, on a phone, on the practice's website.
    const visitor = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "es-EC", isMobile: true, hasTouch: true });
    visitor.setDefaultTimeout(15_000);
    const page = await visitor.newPage();
    watch(page, problems);
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(host.url);
    const launcher = page.getByRole("button", { name: "Abrir el chat" });
    await launcher.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Keyboard: the launcher is reachable with Tab and opens the chat with Enter.
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("rm-widget-launcher");
    await page.keyboard.press("Enter");
    // Open, the same button says "close" and is expanded.
    const close = page.getByRole("button", { name: "Cerrar el chat" });
    await close.waitFor();
    expect(await close.getAttribute("aria-expanded")).toBe("true");
    const chat = page.frameLocator("#rm-widget-frame");
    await chat.getByRole("heading", { name: `Escriba a ${practiceName}` }).waitFor();
    await expect.poll(() => page.frames().find((f) => f.url().includes("/widget/"))?.evaluate(() => document.documentElement.dataset.hydrated)).toBe("true");

    // Bad input: a clear error in the chat, nothing lost.
    await chat.getByLabel("Su mensaje").fill("¿Atienden los sábados?");
    await chat.getByLabel("Su celular (opcional)").fill("12ab");
    await chat.getByRole("button", { name: "Enviar" }).click();
    await chat.getByText("Ese número no es un celular válido").waitFor();
    expect(await chat.getByLabel("Su mensaje").inputValue()).toBe("¿Atienden los sábados?");
    await chat.getByLabel("Su celular (opcional)").fill("");
    await chat.getByLabel("Su nombre (opcional)").fill("Ana Ruiz");
    await chat.getByRole("button", { name: "Enviar" }).click();
    await chat.getByTestId("widget-message").filter({ hasText: "¿Atienden los sábados?" }).waitFor();

    // Staff see it in the thread, on the web chat channel, and answer.
    await staffPage.goto(`${web.url}/conversations?channel=WEB`);
    await staffPage.getByRole("link", { name: /Ana Ruiz/ }).first().click();
    await staffPage.getByText("¿Atienden los sábados?").waitFor();
    await staffPage.getByText("Chat web", { exact: true }).first().waitFor();
    await staffPage.getByLabel("Mensaje al paciente").fill("Sí, de 9:00 a 13:00.");
    await staffPage.getByRole("button", { name: "Enviar" }).click();
    const answeredAt = Date.now();
    await staffPage.getByText("Respuesta enviada a la cola de envío.").waitFor();

    // The answer reaches the chat by its own polling (nothing reloads it here), within about one interval.
    await chat.getByTestId("widget-message").filter({ hasText: "Sí, de 9:00 a 13:00." }).waitFor({ timeout: (POLL_SECONDS + 8) * 1000 });
    const latencyMs = Date.now() - answeredAt;
    console.log(`[widget] staff answer visible in the chat after ${latencyMs} ms (poll every ${POLL_SECONDS} s)`);
    expect(latencyMs).toBeLessThan((POLL_SECONDS + 8) * 1000);
    // What one poll costs the server: the chat's revalidation requests as the web process logged them.
    const polls = web.logs
      .map((l) => { try { return JSON.parse(l) as { method?: string; route?: string; ms?: number }; } catch { return {}; } })
      .filter((e) => e.method === "GET" && e.route?.startsWith("/widget/") && e.route.endsWith(".data") && typeof e.ms === "number")
      .map((e) => e.ms!)
      .sort((x, y) => x - y);
    expect(polls.length).toBeGreaterThan(0);
    console.log(`[widget] ${polls.length} polls, median ${polls[Math.floor(polls.length / 2)]!.toFixed(1)} ms, slowest ${polls.at(-1)!.toFixed(1)} ms at the web process`);
    const [answer] = (await sql.query("select channel, type, status from messages where workspace_id = $1 and type = 'STAFF_REPLY'", [tenant.workspaceId])).rows;
    expect(answer).toEqual({ channel: "WEB", type: "STAFF_REPLY", status: "DELIVERED" });
    await saveScreenshot(page, "widget-phone", { fullPage: false });

    // Escape inside the chat closes it and gives the focus back to the launcher.
    await chat.getByLabel("Su mensaje").focus();
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Abrir el chat" }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("rm-widget-launcher");

    // On a phone the chat covers the launcher: its own close button closes it.
    await page.getByRole("button", { name: "Abrir el chat" }).click();
    await chat.getByRole("button", { name: "Cerrar el chat" }).click();
    await page.getByRole("button", { name: "Abrir el chat" }).waitFor();
    expect(await page.locator("#rm-widget-frame").isVisible()).toBe(false);

    // Nothing but the website itself and our origin was asked for anything; the website's CSP allowed all of it.
    const origins = [...new Set(requested.map((u) => new URL(u).origin))].sort();
    expect(origins).toEqual([host.url, web.url].sort());
    expect(cspViolations).toEqual([]);
    await visitor.close();
    expect(unexpectedProblems(problems)).toEqual([]);
  });

  it("works as plain forms without JavaScript, in English, and is axe-clean at 360 px", { timeout: 120_000 }, async () => {
    const [{ public_key: key }] = (await sql.query("select public_key from web_widgets where workspace_id = $1", [tenant.workspaceId])).rows as [{ public_key: string }];
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 }, locale: "en-US" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${web.url}/widget/${key}`);
    await page.getByRole("heading", { name: `Write to ${practiceName}` }).waitFor();
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Write a message before sending.").waitFor();
    await page.getByLabel("Your message").fill("Do you take new patients?");
    await page.getByLabel("Your mobile number (optional)").fill("0991234567");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByTestId("widget-message").filter({ hasText: "Do you take new patients?" }).waitFor();
    await page.getByText("Number not confirmed: 099 123 4567. Answers reach you only here.").waitFor();
    await page.getByRole("button", { name: "Send me a code by SMS" }).click();
    await page.getByText("We sent a code to 099 123 4567. Enter it here.").waitFor();
    const [code] = (await sql.query("select body from messages where workspace_id = $1 and type = 'VERIFICATION' and to_address = '+593991234567'", [tenant.workspaceId])).rows as [{ body: string }];
    expect(code.body).toMatch(/^\d{6} is your code to confirm your number in the chat of /);
    await page.getByLabel("6-digit code").fill("000000" === code.body.slice(0, 6) ? "111111" : "000000");
    await page.getByRole("button", { name: "Confirm number" }).click();
    await page.getByText("The code is not right. Try again.").waitFor();
    await page.getByLabel("6-digit code").fill(code.body.slice(0, 6));
    await page.getByRole("button", { name: "Confirm number" }).click();
    await page.getByText("Number confirmed: 099 123 4567. Answers also reach you by SMS.").waitFor();
    await expectUsableAt360(browser, page, { strict: true });

    // Staff see the confirmed number on the thread, and that answers now also go by SMS.
    await staffPage.goto(`${web.url}/conversations?channel=WEB`);
    await staffPage.getByTestId("thread-row").filter({ hasText: "Do you take new patients?" }).getByRole("link").click();
    await staffPage.getByTestId("widget-phone").filter({ hasText: "Celular que dejó: 099 123 4567 (confirmado: las respuestas también van por SMS)" }).waitFor();
    await context.close();
  });

  it("a question the practice's knowledge answers gets the bot's answer in the chat, marked as the bot's", { timeout: 60_000 }, async () => {
    const [{ id: practiceId }] = (await sql.query("select id from practices where workspace_id = $1 order by created_at limit 1", [tenant.workspaceId])).rows as [{ id: string }];
    await sql.query(
      `insert into practice_knowledge (id, workspace_id, practice_id, data, version, created_at, updated_at) values (gen_random_uuid(), $1, $2, $3, 1, now(), now())
       on conflict on constraint practice_knowledge_practice_uq do update set data = excluded.data, version = practice_knowledge.version + 1`,
      [tenant.workspaceId, practiceId, JSON.stringify(demoKnowledge())],
    );
    const [{ public_key: key }] = (await sql.query("select public_key from web_widgets where workspace_id = $1", [tenant.workspaceId])).rows as [{ public_key: string }];
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "es-EC" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${web.url}/widget/${key}`);
    await page.getByLabel("Su mensaje").fill("¿Dónde quedan?");
    await page.getByRole("button", { name: "Enviar" }).click();
    const bot = page.locator('[data-testid="widget-message"][data-from="bot"]');
    await bot.filter({ hasText: "Av. Amazonas N24-03" }).waitFor();
    expect(await bot.locator(".who").textContent()).toBe("Asistente automático");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
