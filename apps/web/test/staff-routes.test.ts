// Route-level tenancy, roles, CSRF and security headers against the production build: 403 for a
// same-tenant role denial, 404 for another tenant's ids, 403 for a mutation without the CSRF token.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, get, newSession, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let ownerA: Session;
let receptionistA: Session;
let doctorA: Session;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  web = await startWebServer({ databaseUrl: db.url });
  ownerA = await signIn(web.url, a.owner.email, a.owner.password);
  receptionistA = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  doctorA = await signIn(web.url, a.doctor.email, a.doctor.password);
});

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("roles (SPEC §3)", () => {
  it("a receptionist gets 403 on settings, users, audit, templates and practices", async () => {
    for (const path of ["/settings", "/users", "/audit", "/templates", "/practices", `/practices/${a.practiceId}`]) {
      const res = await get(web.url, path, receptionistA);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain("Acceso denegado");
    }
  });

  it("a receptionist's POST to settings or users is refused with 403 and changes nothing", async () => {
    const settings = await post(web.url, "/settings", receptionistA, { name: "Hackeado", timezone: "UTC", contactCooldownDays: "1", defaultChannel: "SMS", reviewPolicy: "open" });
    expect(settings.status).toBe(403);
    const invite = await post(web.url, "/users", receptionistA, { intent: "invite", email: "x@example.ec", role: "OWNER" });
    expect(invite.status).toBe(403);
    const home = await (await get(web.url, "/", ownerA)).text();
    expect(home).toContain("Clínica a");
    expect(home).not.toContain("Hackeado");
  });

  it("a receptionist still reaches the home page and the campaigns section", async () => {
    expect((await get(web.url, "/", receptionistA)).status).toBe(200);
    expect((await get(web.url, "/campaigns", receptionistA)).status).toBe(200);
  });

  it("a doctor reads settings but cannot change them (403), and gets 403 on users", async () => {
    const page = await get(web.url, "/settings", doctorA);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Solo el propietario puede cambiar los ajustes.");
    const res = await post(web.url, "/settings", doctorA, { name: "Doctor", timezone: "UTC", contactCooldownDays: "1", defaultChannel: "SMS", reviewPolicy: "open" });
    expect(res.status).toBe(403);
    expect((await get(web.url, "/users", doctorA)).status).toBe(403);
  });

  it("the owner reaches every staff page", async () => {
    for (const path of ["/", "/settings", "/users", "/audit", "/templates", "/practices", "/practices/new", `/practices/${a.practiceId}`, `/templates/${a.templateId}`, "/campaigns", "/inbox", "/analytics", "/account"]) {
      expect((await get(web.url, path, ownerA)).status, path).toBe(200);
    }
  });
});

describe("tenancy: another workspace's ids answer 404", () => {
  it("practice and template pages of workspace B are 404 for workspace A's owner", async () => {
    for (const path of [`/practices/${b.practiceId}`, `/templates/${b.templateId}`]) {
      const res = await get(web.url, path, ownerA);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain("Página no encontrada");
      expect(html).not.toContain("Consultorio b");
    }
  });

  it("posting to workspace B's practice and template is 404 and changes nothing", async () => {
    const practice = await post(web.url, `/practices/${b.practiceId}`, ownerA, { name: "Robado", timezone: "America/Guayaquil", country: "EC" });
    expect(practice.status).toBe(404);
    const template = await post(web.url, `/templates/${b.templateId}`, ownerA, { intent: "save", body: "Robado {{name}}" });
    expect(template.status).toBe(404);
    const ownerB = await signIn(web.url, b.owner.email, b.owner.password);
    const pageB = await (await get(web.url, `/practices/${b.practiceId}`, ownerB)).text();
    expect(pageB).toContain("Consultorio b");
    expect(pageB).not.toContain("Robado");
  });

  it("acting on workspace B's user from A's users page is 404", async () => {
    const res = await post(web.url, "/users", ownerA, { intent: "reset", userId: b.owner.id });
    expect(res.status).toBe(404);
  });

  it("ids that are not UUIDs are 404, not 500", async () => {
    expect((await get(web.url, "/practices/not-a-uuid", ownerA)).status).toBe(404);
    expect((await get(web.url, "/templates/1%27%20or%201=1", ownerA)).status).toBe(404);
  });
});

describe("CSRF", () => {
  it("rejects a signed-in owner's POST without the token (403) and with another session's token", async () => {
    const missing = await post(web.url, "/practices/new", ownerA, { name: "Sin token", timezone: "America/Guayaquil" }, { csrf: false });
    expect(missing.status).toBe(403);
    const other = await newSession(web.url);
    const forged = await post(web.url, "/practices/new", { cookie: ownerA.cookie, csrf: other.csrf }, { name: "Token ajeno", timezone: "America/Guayaquil" });
    expect(forged.status).toBe(403);
    const list = await (await get(web.url, "/practices", ownerA)).text();
    expect(list).not.toContain("Sin token");
    expect(list).not.toContain("Token ajeno");
    // With the token the same form works.
    const ok = await post(web.url, "/practices/new", ownerA, { name: "Con token", timezone: "America/Guayaquil" });
    expect(ok.status).toBe(302);
    expect(await (await get(web.url, "/practices", ownerA)).text()).toContain("Con token");
  });

  it("rejects logout, sign-up and the language switch without the token", async () => {
    expect((await post(web.url, "/logout", ownerA, {}, { csrf: false })).status).toBe(403);
    expect((await post(web.url, "/signup", null, { workspaceName: "X", name: "X", email: "csrf@example.ec", password: "0123456789ab" })).status).toBe(403);
    expect((await post(web.url, "/lang", null, { locale: "en" })).status).toBe(403);
  });
});

describe("security headers", () => {
  it("documents carry a CSP with a fresh nonce that Remix's inline scripts use", async () => {
    const first = await fetch(`${web.url}/login`);
    const html = await first.text();
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attrs] of inline) expect(attrs).toContain(`nonce="${nonce}"`);
    const second = await fetch(`${web.url}/login`);
    expect(/'nonce-([^']+)'/.exec(second.headers.get("content-security-policy") ?? "")?.[1]).not.toBe(nonce);
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("same-origin");
  });
});

describe("languages", () => {
  it("Spanish by default; English after the switch, including the server's field errors", async () => {
    const visitor = await newSession(web.url);
    const es = await post(web.url, "/signup", visitor, { workspaceName: "X", name: "X", email: "idioma@example.ec", password: "corta" });
    expect(es.status).toBe(400);
    expect(await es.text()).toContain("La contraseña debe tener al menos 10 caracteres.");
    const switched = await post(web.url, "/lang", visitor, { locale: "en", redirectTo: "/signup" });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/signup");
    const english = { ...visitor, cookie: `${visitor.cookie}; ${cookieOf(switched, "lang")}` };
    const page = await (await get(web.url, "/signup", english)).text();
    expect(page).toContain('<html lang="en"');
    expect(page).toContain("Create an account");
    const en = await post(web.url, "/signup", english, { workspaceName: "X", name: "X", email: "idioma@example.ec", password: "corta" });
    expect(await en.text()).toContain("The password must have at least 10 characters.");
    // The phone checks of the sign-up speak English too: a landline, a number of another country, none.
    const signUp = (phone: string) => post(web.url, "/signup", english, { workspaceName: "X", name: "X", email: "idioma@example.ec", password: "una-clave-larga", phone });
    expect(await (await signUp("02 234 5678")).text()).toContain("It is a landline: it cannot receive WhatsApp or SMS. Use a mobile number.");
    expect(await (await signUp("+57 300 123 4567")).text()).toContain("For now an account can only be created with a mobile phone from: EC.");
    expect(await (await signUp("")).text()).toContain("Enter your mobile number.");
  });
});
