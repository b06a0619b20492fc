// Staff UI in headless Chromium against the production build: sign-up, practices, templates,
// settings (incl. the review-gating confirmation), users (invitation, password reset), sign-in
// and sign-out — with JavaScript (no CSP errors, the app hydrates) and the core forms without it;
// axe-core on the login, new-practice and settings pages.
import { randomBytes } from "node:crypto";
import { initOrm, Workspace } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, seriousAxeViolations, unexpectedProblems, watch } from "./support/browser.ts";
import { deliverSignupCode } from "./support/signup-code.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const present = chromiumPresent();
if (!present) console.warn("[web] SKIPPING staff browser tests: no Chromium (set CHROMIUM_PATH or apt-get install -y chromium)");

const RUN = randomBytes(4).toString("hex");

const OWNER = {
  workspaceName: "Clínica Dental Sonrisa",
  name: "Lucía Paredes",
  email: `lucia.${RUN}@sonrisa.ec`,
  password: "clave-segura-123",
  phone: "+593991118801",
};

describe.skipIf(!present)("staff UI in the browser", () => {
  let db: TestDatabase;
  let web: WebServer;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startWebServer({ databaseUrl: db.url });
    browser = await launchChromium();
    context = await browser.newContext({ locale: "es-EC", timezoneId: "America/Guayaquil" });
    context.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.drop();
  });

  async function open(ctx: BrowserContext, path: string): Promise<Page> {
    const page = await ctx.newPage();
    watch(page, problems);
    await page.goto(`${web.url}${path}`);
    return page;
  }

  async function hydrated(page: Page): Promise<void> {
    await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
  }


  async function setPlan(email: string, plan: "FREE" | "STARTER"): Promise<void> {
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      const conn = orm.em.getConnection();
      await conn.execute("update workspaces set plan = ? where id = (select workspace_id from users where email = ?)", [plan, email]);
    } finally {
      await orm.close(true);
    }
    void Workspace;
  }

  it("login page: no serious accessibility violations, wrong password is refused", async () => {
    const page = await open(context, "/login");
    await hydrated(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel("Correo electrónico").fill(`nadie.${RUN}@example.ec`);
    await page.getByLabel("Contraseña").fill("equivocada-123");
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.getByRole("alert").filter({ hasText: "Correo o contraseña incorrectos" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.close();
  });

  it("signs up: workspace, owner, FREE credits, then the first practice with the review-link preview", async () => {
    const page = await open(context, "/login");
    await hydrated(page);
    await page.getByRole("link", { name: "Cree una cuenta para su consultorio" }).click();
    await page.getByRole("heading", { name: "Crear cuenta" }).waitFor();
    // A short password is refused next to its field and nothing typed is lost.
    await page.getByLabel("Nombre del consultorio o clínica").fill(OWNER.workspaceName);
    await page.getByLabel("Su nombre").fill(OWNER.name);
    await page.getByLabel("Correo electrónico").fill(OWNER.email);
    await page.getByLabel("Contraseña").fill("corta");
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await page.getByText("La contraseña debe tener al menos 10 caracteres.").waitFor();
    expect(await page.getByLabel("Su nombre").inputValue()).toBe(OWNER.name);
    await page.getByLabel("Contraseña").fill(OWNER.password);
    await page.getByLabel("Su celular").fill(OWNER.phone);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await page.getByRole("heading", { name: "Confirme su celular" }).waitFor();
    await page.getByLabel("Código de 6 dígitos").fill(await deliverSignupCode(db.url, OWNER.phone));
    await page.getByRole("button", { name: "Confirmar" }).click();

    await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/practices/new");
    await page.getByText("¡Bienvenido!").waitFor();
    await page.getByLabel("Nombre", { exact: true }).fill("Sede Norte");
    await page.getByLabel("Ciudad").fill("Quito");
    // The live preview follows each form Google hands out, and shows nothing for a link it would refuse.
    const review = page.getByLabel("Enlace de reseñas o Place ID de Google");
    await review.fill("g.page/r/CZ1nGqbVEkXhEBM/review/");
    await expect.poll(() => page.getByTestId("review-link").getAttribute("href")).toBe("https://g.page/r/CZ1nGqbVEkXhEBM/review");
    // At 360 px the long link wraps inside the form instead of widening the page.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 360, height: 740 });
    await review.fill("https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4");
    await expect.poll(() => page.getByTestId("review-link").getAttribute("href")).toBe("https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    if (viewport) await page.setViewportSize(viewport);
    await review.fill("https://maps.app.goo.gl/abcDEF123");
    await page.getByTestId("review-link").waitFor({ state: "detached" });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await review.fill("ChIJ_sede-norte_123");
    await expect.poll(() => page.getByTestId("review-link").textContent()).toBe("https://search.google.com/local/writereview?placeid=ChIJ_sede-norte_123");
    await page.getByLabel("Teléfono para alertas al personal").fill("099 123 4567");
    await page.getByRole("button", { name: "Crear consultorio" }).click();
    await page.getByText("Consultorio guardado.").waitFor();
    await page.getByRole("link", { name: "Sede Norte" }).waitFor();
    await page.getByRole("cell", { name: "+593991234567" }).waitFor();

    await page.getByRole("navigation").getByRole("link", { name: "Inicio" }).click();
    await expect.poll(() => page.getByTestId("credits").textContent()).toBe("50");
    // The plan by its name, not the stored enum.
    expect(await page.getByTestId("plan").textContent()).toContain("Plan Gratis.");
    // Every section of the app is in the navigation.
    for (const name of ["Inicio", "Campañas", "Conversaciones", "Bandeja", "Contactos", "Prospectos", "Analítica", "Facturación", "Plantillas", "Consultorios", "Ajustes", "Usuarios", "Auditoría"]) {
      await page.getByRole("navigation").getByRole("link", { name, exact: true }).waitFor();
    }
    await page.getByRole("navigation").getByRole("link", { name: "Campañas" }).click();
    await page.getByRole("link", { name: "Nueva campaña" }).waitFor();
    await page.close();
  });

  it("edits a template: live segments change when adding á, unknown variables are refused", async () => {
    const page = await open(context, "/templates");
    await hydrated(page);
    await page.getByRole("link", { name: "Solicitud de calificación" }).click();
    await page.getByRole("heading", { name: "Solicitud de calificación" }).waitFor();
    await hydrated(page);
    const body = page.getByLabel("Texto del mensaje");
    await body.fill("Hola {{name}}, gracias por visitarnos. Califique su atencion del 1 al 5: {{ratingLink}}");
    await expect.poll(() => page.getByTestId("encoding").textContent()).toBe("GSM-7");
    expect(await page.getByTestId("segments").textContent()).toBe("1");
    await expect.poll(() => page.getByTestId("preview").textContent()).toContain("Hola Carmen, gracias");

    await body.press("End");
    await body.pressSequentially(" á");
    await expect.poll(() => page.getByTestId("encoding").textContent()).toBe("UCS-2");
    expect(await page.getByTestId("segments").textContent()).toBe("2");
    expect(await page.getByTestId("non-gsm").textContent()).toContain("á");
    expect(await page.getByTestId("credits").textContent()).toContain("SMS 2");
    // The unaccented SMS variant is offered and fills the SMS text.
    await page.getByRole("button", { name: "Usar como texto SMS" }).click();
    await expect.poll(() => page.getByLabel("Texto alternativo para SMS (opcional)").inputValue()).toContain("atencion del 1 al 5: {{ratingLink}} a");
    await expect.poll(() => page.getByTestId("sms-body-stats").textContent()).toContain("1 segmento · GSM-7");

    // A typo in a variable shows before saving, and the save is refused.
    await body.fill("Hola {{nombre}}, ¿cómo le fue? {{ratingLink}}");
    await page.getByTestId("unknown-variables").filter({ hasText: "{{nombre}}" }).waitFor();
    await page.getByRole("button", { name: "Guardar" }).click();
    await page.locator("#body-error").filter({ hasText: "Variables desconocidas: {{nombre}}" }).waitFor();

    // A procedure name is warned about.
    await body.fill("Hola {{name}}, ¿cómo le fue en su endodoncia? {{ratingLink}}");
    await page.getByTestId("procedure-warning").waitFor();
    await page.getByRole("button", { name: "Guardar" }).click();
    await page.getByText("Plantilla guardada.").waitFor();
    await page.getByText("¿cómo le fue en su endodoncia?").waitFor();
    await page.close();
  });

  it("settings: saved; switching to gated demands the confirmation; both are audited; no serious axe violations", async () => {
    const page = await open(context, "/settings");
    await hydrated(page);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel("Días sin volver a escribir al mismo paciente").fill("30");
    await page.getByLabel("Silencio desde (HH:mm)").fill("21:00");
    await page.getByLabel("Sede Norte: teléfono para alertas").fill("0987654321");
    await page.getByLabel("Idioma de los pacientes").selectOption("en");
    await page.getByRole("button", { name: "Guardar ajustes" }).click();
    await page.getByText("Ajustes guardados.").waitFor();
    expect(await page.getByLabel("Idioma de los pacientes").inputValue()).toBe("en");
    expect(await page.getByLabel("Días sin volver a escribir al mismo paciente").inputValue()).toBe("30");
    expect(await page.getByLabel("Silencio desde (HH:mm)").inputValue()).toBe("21:00");
    expect(await page.getByLabel("Sede Norte: teléfono para alertas").inputValue()).toBe("+593987654321");

    // The warning appears as soon as gating is chosen; saving without confirming is refused.
    expect(await page.getByTestId("gated-warning").isVisible()).toBe(false);
    await page.getByLabel("Quién recibe el enlace de reseña de Google").selectOption("gated");
    await page.getByTestId("gated-warning").filter({ hasText: "Google prohíbe pedir reseñas de forma selectiva" }).waitFor({ state: "visible" });
    await page.getByRole("button", { name: "Guardar ajustes" }).click();
    await page.locator("#reviewPolicy-error").filter({ hasText: "debe confirmar" }).waitFor();
    await page.goto(`${web.url}/settings`);
    expect(await page.getByLabel("Quién recibe el enlace de reseña de Google").inputValue()).toBe("open");

    await hydrated(page);
    await page.getByLabel("Quién recibe el enlace de reseña de Google").selectOption("gated");
    await page.getByLabel("Leí la advertencia y quiero activar el filtrado de todos modos.").check();
    await page.getByRole("button", { name: "Guardar ajustes" }).click();
    await page.getByText("Ajustes guardados.").waitFor();
    expect(await page.getByLabel("Quién recibe el enlace de reseña de Google").inputValue()).toBe("gated");
    await page.getByText("Filtrado confirmado el").waitFor();

    await page.getByRole("navigation").getByRole("link", { name: "Auditoría" }).click();
    // Actions read as labels; the stored code stays beside each (and in its title) for filtering.
    const policyRow = page.getByTestId("audit-action").filter({ hasText: "Política de reseñas cambiada" }).first();
    await policyRow.waitFor();
    expect(await policyRow.getAttribute("title")).toBe("settings.review_policy_changed");
    expect(await policyRow.locator("code").textContent()).toBe("settings.review_policy_changed");
    await page.getByLabel("Acción").fill("template");
    await page.getByRole("button", { name: "Filtrar" }).click();
    await page.waitForURL(/action=template/);
    await page.getByTestId("audit-action").filter({ hasText: "Plantilla editada" }).first().waitFor();
    expect(await page.getByTestId("audit-table").getByText("settings.review_policy_changed").count()).toBe(0);
    await page.close();
  });

  it("users: FREE allows one user; on a paid plan an invited doctor joins by link; the owner resets their password", async () => {
    const page = await open(context, "/users");
    await hydrated(page);
    await page.getByTestId("plan-limit").waitFor();
    await setPlan(OWNER.email, "STARTER");
    await page.reload();
    const doctorEmail = `doctor.${RUN}@sonrisa.ec`;
    await page.getByLabel("Correo electrónico").fill(doctorEmail);
    await page.getByLabel("Rol", { exact: true }).selectOption("DOCTOR");
    await page.getByRole("button", { name: "Crear enlace de invitación" }).click();
    const inviteLink = await page.getByTestId("invite-link").inputValue();
    expect(inviteLink).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

    // The doctor, in a browser of their own.
    const doctorContext = await browser.newContext({ locale: "es-EC" });
    try {
      const invitee = await doctorContext.newPage();
      watch(invitee, problems);
      await invitee.goto(`${web.url}${new URL(inviteLink).pathname}`);
      await invitee.getByText(doctorEmail).waitFor();
      await invitee.getByLabel("Su nombre").fill("Dr. Andrés Vélez");
      await invitee.getByLabel("Contraseña").fill("clave-del-doctor-1");
      await invitee.getByRole("button", { name: "Crear mi usuario" }).click();
      await invitee.getByText("Hola, Dr. Andrés Vélez").waitFor();
      // A doctor's navigation has no Users, Billing or Audit.
      expect(await invitee.getByRole("navigation").getByRole("link", { name: "Usuarios" }).count()).toBe(0);
      // The link works once.
      await invitee.goto(`${web.url}${new URL(inviteLink).pathname}`);
      await invitee.getByRole("heading", { name: "Enlace no válido" }).waitFor();

      // The owner issues a reset link; the doctor sets a new password with it.
      await page.reload();
      await page.getByTestId(`user-${doctorEmail}`).getByRole("button", { name: "Enlace de contraseña" }).click();
      const resetLink = await page.getByTestId("reset-link").inputValue();
      await invitee.goto(`${web.url}${new URL(resetLink).pathname}`);
      await invitee.getByLabel("Nueva contraseña", { exact: true }).fill("otra-clave-nueva-2");
      await invitee.getByLabel("Repita la contraseña").fill("otra-clave-nueva-2");
      await invitee.getByRole("button", { name: "Guardar contraseña" }).click();
      await invitee.getByText("Contraseña actualizada.").waitFor();
      // The old password no longer works, the new one does.
      await invitee.getByLabel("Correo electrónico").fill(doctorEmail);
      await invitee.getByLabel("Contraseña").fill("clave-del-doctor-1");
      await invitee.getByRole("button", { name: "Ingresar" }).click();
      await invitee.getByRole("alert").filter({ hasText: "Correo o contraseña incorrectos" }).waitFor();
      await invitee.getByLabel("Contraseña").fill("otra-clave-nueva-2");
      await invitee.getByRole("button", { name: "Ingresar" }).click();
      await invitee.getByText("Hola, Dr. Andrés Vélez").waitFor();
    } finally {
      await doctorContext.close();
    }

    // The last owner cannot demote themselves.
    await page.reload();
    const ownerRow = page.getByTestId(`user-${OWNER.email}`);
    await ownerRow.getByRole("combobox").selectOption("DOCTOR");
    await ownerRow.getByRole("button", { name: "Cambiar" }).click();
    await page.getByRole("alert").filter({ hasText: "al menos un propietario" }).waitFor();
    await page.close();
  });

  it("the owner's pages and their server errors read in English too", async () => {
    const page = await open(context, "/");
    await hydrated(page);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("link", { name: "Settings" }).waitFor();
    try {
      // The plan was set to STARTER above; home names it, in English.
      expect(await page.getByTestId("plan").textContent()).toContain("Starter plan.");
      const pages: [string, string, string][] = [
        ["/billing", "Billing", "Plan and credits"],
        ["/users", "Users", "Pending invitations"],
        ["/settings", "Settings", "Review policy"],
        ["/practices", "Practices", "Google reviews"],
        ["/practices/new", "New practice", "Google review link or Place ID"],
        ["/account", "My account", "Sign out on every other device"],
        ["/audit", "Audit log", "Older entries →"],
      ];
      for (const [path, heading, text] of pages) {
        await page.goto(`${web.url}${path}`);
        await page.getByRole("heading", { name: heading, exact: true }).waitFor();
        if (path !== "/audit" && path !== "/users") await page.getByText(text, { exact: false }).first().waitFor();
        expect(await page.locator("main").textContent(), path).not.toMatch(/Guardar|Nombre|Crédito|Ajustes guardados/);
      }
      // Audit actions in English.
      await page.goto(`${web.url}/audit`);
      await page.getByTestId("audit-action").filter({ hasText: "Review policy changed" }).first().waitFor();
      // A refusal from @rm/accounts arrives as a code and reads in English, next to its field.
      await page.goto(`${web.url}/account`);
      await hydrated(page);
      await page.getByLabel("Current password").fill("not-my-password-1");
      await page.getByLabel("New password", { exact: true }).fill("another-password-1");
      await page.getByLabel("Repeat the new password").fill("another-password-1");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.locator("#current-error").filter({ hasText: "The current password is not correct." }).waitFor();
      await page.goto(`${web.url}/settings`);
      await hydrated(page);
      await page.getByLabel("Other destination countries").fill("CO, XX");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.locator("#extraDestinationCountries-error").filter({ hasText: "Unknown country codes: XX. Use 2-letter codes (CO, PE)." }).waitFor();
      expect(await page.locator("#extraDestinationCountries-error").textContent()).not.toContain("Códigos");
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await page.getByRole("button", { name: "Español" }).click();
      await page.getByRole("link", { name: "Ajustes" }).waitFor();
    }
    // The same refusal in Spanish.
    await page.getByLabel("Otros países de destino").fill("CO, XX");
    await page.getByRole("button", { name: "Guardar ajustes" }).click();
    await page.locator("#extraDestinationCountries-error").filter({ hasText: "Códigos de país no reconocidos: XX." }).waitFor();
    await page.close();
  });

  it("logs out and back in; English is available", async () => {
    const page = await open(context, "/");
    await hydrated(page);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("link", { name: "Settings" }).waitFor();
    await page.getByRole("button", { name: "Español" }).click();
    await page.getByRole("link", { name: "Ajustes" }).waitFor();
    await page.getByRole("button", { name: "Cerrar sesión" }).click();
    await page.getByRole("heading", { name: "Iniciar sesión" }).waitFor();
    await page.goto(`${web.url}/settings`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByLabel("Correo electrónico").fill(OWNER.email);
    await page.getByLabel("Contraseña").fill(OWNER.password);
    await page.getByRole("button", { name: "Ingresar" }).click();
    await page.getByRole("heading", { name: "Ajustes" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/settings");
    await page.close();
  });

  it("saw no CSP violations, page errors or failed requests with JavaScript on", () => {
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    // The only expected failures: rejected forms (400/401/409) and the used invitation link (404).
    expect(unexpectedProblems(problems.filter((p) => !/\/invite\/.*status of 404/.test(p)))).toEqual([]);
  });

  it("the core forms work without JavaScript", { timeout: 90_000 }, async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: "es-EC" });
    const email = `sinjs.${RUN}@example.ec`;
    try {
      const page = await noJs.newPage();
      await page.goto(`${web.url}/signup`);
      await page.getByLabel("Nombre del consultorio o clínica").fill("Consultorio Sin JS");
      await page.getByLabel("Su nombre").fill("Marta Sin JS");
      await page.getByLabel("Correo electrónico").fill(email);
      await page.getByLabel("Contraseña").fill("clave-sin-js-123");
      await page.getByLabel("Su celular").fill("0991118802");
      await page.getByRole("button", { name: "Crear cuenta" }).click();
      await page.getByRole("heading", { name: "Confirme su celular" }).waitFor();
      await page.getByLabel("Código de 6 dígitos").fill(await deliverSignupCode(db.url, "+593991118802"));
      await page.getByRole("button", { name: "Confirmar" }).click();
      await page.getByRole("heading", { name: "Nuevo consultorio" }).waitFor();

      await page.getByLabel("Nombre", { exact: true }).fill("Sede Sur");
      await page.getByLabel("Teléfono para alertas al personal").fill("12");
      await page.getByRole("button", { name: "Crear consultorio" }).click();
      await page.locator("#staffAlertPhone-error").waitFor();
      expect(await page.getByLabel("Nombre", { exact: true }).inputValue()).toBe("Sede Sur");
      await page.getByLabel("Teléfono para alertas al personal").fill("");
      await page.getByRole("button", { name: "Crear consultorio" }).click();
      await page.getByText("Consultorio guardado.").waitFor();

      await page.goto(`${web.url}/templates`);
      await page.getByRole("link", { name: "Recordatorio" }).click();
      await page.getByLabel("Texto del mensaje").fill("Hola {{name}}, ¿cómo calificaría su atención? {{ratingLink}}");
      await page.getByRole("button", { name: "Vista previa" }).click();
      await page.getByTestId("encoding").filter({ hasText: "UCS-2" }).waitFor();
      expect(await page.getByTestId("non-gsm").textContent()).toContain("ó");
      await page.getByRole("button", { name: "Usar como texto SMS" }).click();
      expect(await page.getByLabel("Texto alternativo para SMS (opcional)").inputValue()).toContain("calificaria su atencion? {{ratingLink}}");
      await page.getByRole("button", { name: "Guardar" }).click();
      await page.getByText("Plantilla guardada.").waitFor();

      await page.goto(`${web.url}/settings`);
      await page.getByLabel("Días sin volver a escribir al mismo paciente").fill("45");
      await page.getByLabel("Quién recibe el enlace de reseña de Google").selectOption("gated");
      await page.getByRole("button", { name: "Guardar ajustes" }).click();
      await page.locator("#reviewPolicy-error").waitFor();
      // The warning is on the page without JavaScript; confirming saves.
      await page.getByText("Google prohíbe pedir reseñas de forma selectiva").waitFor();
      await page.getByLabel("Leí la advertencia y quiero activar el filtrado de todos modos.").check();
      await page.getByRole("button", { name: "Guardar ajustes" }).click();
      await page.getByText("Ajustes guardados.").waitFor();
      expect(await page.getByLabel("Días sin volver a escribir al mismo paciente").inputValue()).toBe("45");

      await page.getByRole("button", { name: "Cerrar sesión" }).click();
      await page.getByRole("heading", { name: "Iniciar sesión" }).waitFor();
      await page.getByLabel("Correo electrónico").fill(email);
      await page.getByLabel("Contraseña").fill("clave-sin-js-123");
      await page.getByRole("button", { name: "Ingresar" }).click();
      await page.getByText("Hola, Marta Sin JS").waitFor();
    } finally {
      await noJs.close();
    }
  });
});
