// The real web server (production build) against a database of its own: probes, login, logout,
// static caching, graceful shutdown.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfOf, newSession } from "./support/http.ts";
import { createUser } from "./support/users.ts";
import { deadPort, startWebServer, type WebServer } from "./support/web-server.ts";

// Unique per run: the login throttle counts attempts per email in the shared Redis.
const RUN = randomBytes(4).toString("hex");
const USER = {
  email: `Dra.Paredes.${RUN}@Example.ec`,
  password: "clave-segura-123",
  name: "Dra. Lucía Paredes",
  workspaceName: "Clínica Dental Sonrisa",
};

const TARGET = { ...USER, email: `objetivo.${RUN}@example.ec`, name: "Objetivo" };

let db: TestDatabase;
let web: WebServer;

beforeAll(async () => {
  db = await createTestDatabase();
  await createUser(db.url, USER);
  await createUser(db.url, { ...TARGET, workspaceName: "Otra clínica" });
  web = await startWebServer({ databaseUrl: db.url });
});

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

function loginForm(email: string, password: string, redirectTo?: string): URLSearchParams {
  const form = new URLSearchParams({ email, password });
  if (redirectTo) form.set("redirectTo", redirectTo);
  return form;
}

async function postLogin(form: URLSearchParams, baseUrl = web.url): Promise<Response> {
  // Every mutation needs the session's CSRF token: a fresh visitor gets both from GET /login.
  const visitor = await newSession(baseUrl);
  form.set("_csrf", visitor.csrf);
  return fetch(`${baseUrl}/login`, {
    method: "POST",
    body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookie },
    redirect: "manual",
  });
}

function sessionCookie(res: Response): string {
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("__session="));
  expect(setCookie).toBeDefined();
  return setCookie!.split(";")[0]!;
}

describe("probes", () => {
  it("GET /healthz answers 200 ok without touching Remix", async () => {
    const res = await fetch(`${web.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /readyz answers 200 when PostgreSQL answers", async () => {
    const res = await fetch(`${web.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("other methods on a probe answer 405", async () => {
    const res = await fetch(`${web.url}/healthz`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });

  it("GET /readyz answers 503 (and /healthz still 200) when the database is down", async () => {
    const deadUrl = `postgres://postgres@127.0.0.1:${await deadPort()}/nothing`;
    const down = await startWebServer({ databaseUrl: deadUrl });
    try {
      const started = Date.now();
      const ready = await fetch(`${down.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toBe("database unavailable\n");
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await fetch(`${down.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await down.stop()).toBe(0);
    }
  });
});

describe("login", () => {
  it("sends a signed-out visitor of / to /login", async () => {
    const res = await fetch(`${web.url}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });

  it("keeps where the visitor was going", async () => {
    const res = await fetch(`${web.url}/?tab=1`, { redirect: "manual" });
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2F%3Ftab%3D1");
  });

  it("renders the Spanish login form server-side", async () => {
    const res = await fetch(`${web.url}/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="es-EC"');
    expect(html).toMatch(/<label for="email">Correo electrónico<\/label>/);
    expect(html).toMatch(/<label for="password">Contraseña<\/label>/);
    expect(html).toMatch(/<form method="post" action="\/login"/);
  });

  it("rejects a wrong password with 401 and the generic message", async () => {
    const res = await postLogin(loginForm(USER.email, "wrong-password"));
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Correo o contraseña incorrectos");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
  });

  it("rejects a sign-in without the CSRF token (403) and signs nobody in", async () => {
    const res = await fetch(`${web.url}/login`, {
      method: "POST",
      body: loginForm(USER.email, USER.password),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
  });

  it("rejects an unknown email with the same answer", async () => {
    const res = await postLogin(loginForm(`nadie.${RUN}@example.ec`, USER.password));
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Correo o contraseña incorrectos");
  });

  it("rejects an empty form with the same answer", async () => {
    const res = await postLogin(new URLSearchParams());
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Correo o contraseña incorrectos");
  });

  it("signs in with the right password (email in any case), sets the session cookie and redirects", async () => {
    const res = await postLogin(loginForm(USER.email.toUpperCase(), USER.password));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("__session="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Secure/i);

    const home = await fetch(`${web.url}/`, { headers: { Cookie: sessionCookie(res) } });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(USER.workspaceName);
    expect(html).toContain(USER.name);
  });

  it("never redirects off-site after sign-in", async () => {
    const res = await postLogin(loginForm(USER.email, USER.password, "//evil.example/x"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const inside = await postLogin(loginForm(USER.email, USER.password, "/campaigns?x=1"));
    expect(inside.headers.get("location")).toBe("/campaigns?x=1");
  });

  it("POST /logout ends the session", async () => {
    const cookie = sessionCookie(await postLogin(loginForm(USER.email, USER.password)));
    const res = await fetch(`${web.url}/logout`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: await csrfOf(web.url, cookie) }),
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith("__session="))!;
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    // GET /logout changes nothing.
    const get = await fetch(`${web.url}/logout`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(get.status).toBe(302);
    expect(get.headers.getSetCookie()).toEqual([]);
  });

  it("ignores a forged session cookie", async () => {
    const res = await fetch(`${web.url}/`, { headers: { Cookie: "__session=eyJ1c2VySWQiOiJ4In0%3D.forged" }, redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });
});

describe("login throttle", () => {
  it(`slows an email down after ${5} wrong passwords from one address, even for the right one`, async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postLogin(loginForm(TARGET.email, `wrong-${i}`))).status).toBe(401);
    }
    const locked = await postLogin(loginForm(TARGET.email, "wrong-again"));
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("Demasiados intentos fallidos");
    expect((await postLogin(loginForm(TARGET.email.toUpperCase(), TARGET.password))).status).toBe(429);
    // Other accounts are not affected.
    expect((await postLogin(loginForm(USER.email, USER.password))).status).toBe(302);
  });

  it("a successful sign-in clears the failures", async () => {
    for (let i = 0; i < 4; i++) await postLogin(loginForm(USER.email, `wrong-${i}`));
    expect((await postLogin(loginForm(USER.email, USER.password))).status).toBe(302);
    for (let i = 0; i < 4; i++) expect((await postLogin(loginForm(USER.email, `wrong-${i}`))).status).toBe(401);
    expect((await postLogin(loginForm(USER.email, USER.password))).status).toBe(302);
  });

  it("fails open when Redis is down: sign-in and readiness keep working", async () => {
    const noRedis = await startWebServer({
      databaseUrl: db.url,
      env: { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` },
    });
    try {
      expect((await fetch(`${noRedis.url}/readyz`)).status).toBe(200);
      const bad = await postLogin(loginForm(USER.email, "wrong"), noRedis.url);
      expect(bad.status).toBe(401);
      const good = await postLogin(loginForm(USER.email, USER.password), noRedis.url);
      expect(good.status).toBe(302);
    } finally {
      expect(await noRedis.stop()).toBe(0);
    }
  });
});

describe("static files and logs", () => {
  it("serves fingerprinted assets with immutable caching", async () => {
    const html = await (await fetch(`${web.url}/login`)).text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const res = await fetch(`${web.url}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toMatch(/javascript/);
  });

  it("unknown pages answer 404 through Remix", async () => {
    const res = await fetch(`${web.url}/no-such-page`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Página no encontrada");
  });

  it("writes JSON access logs without passwords or query strings", async () => {
    await postLogin(loginForm(USER.email, "wrong-password-xyz"));
    await fetch(`${web.url}/login?redirectTo=%2Fsecret-place`);
    await new Promise((r) => setTimeout(r, 50));
    const lines = web.logs.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.filter((l) => l.msg === "request");
    expect(access.some((l) => l.route === "/login" && l.method === "POST" && l.status === 401)).toBe(true);
    const all = web.logs.join("\n");
    expect(all).not.toContain("wrong-password-xyz");
    expect(all).not.toContain("secret-place");
    expect(all).not.toContain(USER.password);
  });
});

describe("shutdown", () => {
  it("on SIGTERM stops accepting, finishes the request in flight, then exits 0", async () => {
    const other = await startWebServer({ databaseUrl: db.url });
    const visitor = await newSession(other.url);
    const socket = connect(Number(new URL(other.url).port), "127.0.0.1");
    await once(socket, "connect");
    let response = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (response += chunk));
    const ended = once(socket, "end");
    // Headers now, body later: the request is in flight while the signal arrives.
    const body = new URLSearchParams({ email: USER.email, password: "wrong", _csrf: visitor.csrf }).toString();
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${visitor.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await sleep(300);
    const exitCode = other.stop();
    await sleep(300);
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
    socket.write(body);
    await ended;
    expect(response, other.logs.join("\n")).toMatch(/^HTTP\/1\.1 401 /);
    expect(response).toMatch(/connection: close/i);
    expect(await exitCode).toBe(0);
    expect(other.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
