// Sign-in throttling, the client IP behind trusted proxies and small bodies outside uploads (SPEC §17,
// decision 013), against the real web server (production build), PostgreSQL and Redis.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddressResolver } from "../server/client-address.ts";
import { cookieOf, newSession } from "./support/http.ts";
import { deliverSignupCode } from "./support/signup-code.ts";
import { createUser } from "./support/users.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

// Unique per run: the throttle's counters live in the shared Redis.
const RUN = randomBytes(4).toString("hex");
const user = (name: string) => ({ email: `${name}.${RUN}@example.ec`, password: "clave-segura-123", name, workspaceName: `Clínica ${name}` });
const PARALLEL = user("paralelo");
const VICTIM = user("victima");
const SPRAY = user("rociado");

// A unique documentation-range address per run, so runs never share an IP's counter.
const octet = () => 1 + (randomBytes(1)[0]! % 250);
const ip = () => `198.51.${octet()}.${octet()}`;

let db: TestDatabase;
let proxied: WebServer; // behind a trusted proxy (127.0.0.1): X-Forwarded-For is believed
let direct: WebServer; // no trusted proxies: X-Forwarded-For is ignored

beforeAll(async () => {
  db = await createTestDatabase();
  for (const u of [PARALLEL, VICTIM, SPRAY]) await createUser(db.url, u);
  [proxied, direct] = await Promise.all([
    startWebServer({ databaseUrl: db.url, env: { TRUSTED_PROXIES: "127.0.0.1/32,::1", REQUEST_BODY_LIMIT_BYTES: "4096", SIGNUP_CODES_PER_IP_PER_HOUR: "2" } }),
    startWebServer({ databaseUrl: db.url }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([proxied?.stop(), direct?.stop()]);
  await db?.drop();
});

async function login(baseUrl: string, email: string, password: string, forwardedFor?: string): Promise<Response> {
  const visitor = await newSession(baseUrl);
  return fetch(`${baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password, _csrf: visitor.csrf }),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: visitor.cookie,
      ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
    },
    redirect: "manual",
  });
}

describe("login throttle", () => {
  it("counts before the password check: of 20 parallel guesses at one account only the 5 free ones reach the password", async () => {
    const from = ip();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(proxied.url, PARALLEL.email, `wrong-${i}`, from)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const refused = answers.find((r) => r.status === 429)!;
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const html = await refused.text();
    expect(html).toContain("Demasiados intentos fallidos. Espere");
    expect(html).toMatch(/Espere \d+ segundos?/);
  });

  it("delays grow: after the free attempts each further one waits longer", async () => {
    const from = ip();
    for (let i = 0; i < 5; i++) expect((await login(proxied.url, SPRAY.email, `wrong-${i}`, from)).status).toBe(401);
    const first = Number((await login(proxied.url, SPRAY.email, "wrong", from)).headers.get("retry-after"));
    expect(first).toBeGreaterThanOrEqual(4);
    expect(first).toBeLessThanOrEqual(5);
    // The account is slowed, not locked: another attempt is allowed once the wait is over, and the next wait doubles.
    await new Promise((r) => setTimeout(r, first * 1000 + 200));
    expect((await login(proxied.url, SPRAY.email, "wrong-6", from)).status).toBe(401);
    const second = Number((await login(proxied.url, SPRAY.email, "wrong", from)).headers.get("retry-after"));
    expect(second).toBeGreaterThanOrEqual(9);
    expect(second).toBeLessThanOrEqual(10);
  }, 20_000);

  it("someone hammering an account does not lock its user out: the user's own address still signs in", async () => {
    const attacker = ip();
    for (let i = 0; i < 8; i++) await login(proxied.url, VICTIM.email, `wrong-${i}`, attacker);
    expect((await login(proxied.url, VICTIM.email, VICTIM.password, attacker)).status).toBe(429);
    expect((await login(proxied.url, VICTIM.email, VICTIM.password, ip())).status).toBe(302);
  });

  it("counts per client IP across accounts: one address spraying many accounts is slowed after 20 attempts", async () => {
    const from = ip();
    for (let i = 0; i < 20; i++) expect((await login(proxied.url, `nadie${i}.${RUN}@example.ec`, "clave-cualquiera", from)).status).toBe(401);
    const refused = await login(proxied.url, `otro.${RUN}@example.ec`, "clave-cualquiera", from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await login(proxied.url, `otro.${RUN}@example.ec`, "clave-cualquiera", ip())).status).toBe(401);
  }, 30_000);
});

describe("client IP", () => {
  it("takes X-Forwarded-For only through a trusted proxy, hop by hop", () => {
    const req = (remoteAddress: string, xff?: string) => ({ socket: { remoteAddress }, connection: { remoteAddress }, headers: xff ? { "x-forwarded-for": xff } : {} }) as never;
    const none = clientAddressResolver([]);
    expect(none(req("10.0.0.5", "203.0.113.7"))).toBe("10.0.0.5");
    const trusted = clientAddressResolver(["10.0.0.0/8"]);
    expect(trusted(req("10.0.0.5", "203.0.113.7"))).toBe("203.0.113.7");
    // A client naming its own address in front of the proxy's entry gains nothing.
    expect(trusted(req("10.0.0.5", "1.2.3.4, 203.0.113.7"))).toBe("203.0.113.7");
    // From outside the trusted range the header is the client's own claim: ignored.
    expect(trusted(req("192.0.2.1", "203.0.113.7"))).toBe("192.0.2.1");
  });

  let phoneSeq = 0;
  async function signUpRequest(baseUrl: string, email: string, forwardedFor: string): Promise<Response> {
    const visitor = await newSession(baseUrl);
    // Each request its own mobile number and prefix block: only the per-IP cap is under test.
    const phone = `+59399${String(10 + (++phoneSeq % 80))}${RUN.replace(/\D/g, "").padEnd(5, "0").slice(0, 5)}`;
    return fetch(`${baseUrl}/signup`, {
      method: "POST",
      body: new URLSearchParams({ workspaceName: "Clínica Auditoría", name: "Dra. Auditoría", email, password: "clave-segura-123", phone, _csrf: visitor.csrf }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookie, "X-Forwarded-For": forwardedFor },
      redirect: "manual",
    });
  }

  /** Signs up and answers the client IP the sign-up code was counted against (its per-IP cap). */
  async function signUpFrom(baseUrl: string, email: string, forwardedFor: string): Promise<string[]> {
    const res = await signUpRequest(baseUrl, email, forwardedFor);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/signup/verify");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ip: string }>("select ip from signup_verifications where email = $1", [email]);
      return rows.map((r) => r.ip);
    } finally {
      await client.end();
    }
  }

  it("the sign-up code is counted against the address behind the trusted proxy", async () => {
    const from = ip();
    expect(await signUpFrom(proxied.url, `auditoria.${RUN}@example.ec`, from)).toEqual([from]);
  });

  it("the owner's confirmed sign-up is audited with the address behind the trusted proxy", async () => {
    const from = ip();
    const email = `auditada.${RUN}@example.ec`;
    const phone = "+593998877661";
    const visitor = await newSession(proxied.url);
    const headers = (cookie: string) => ({ "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, "X-Forwarded-For": from });
    const asked = await fetch(`${proxied.url}/signup`, {
      method: "POST",
      body: new URLSearchParams({ workspaceName: "Clínica Auditada", name: "Dra. Auditada", email, password: "clave-segura-123", phone, _csrf: visitor.csrf }),
      headers: headers(visitor.cookie),
      redirect: "manual",
    });
    expect(asked.status).toBe(302);
    const code = await deliverSignupCode(db.url, phone);
    const confirmed = await fetch(`${proxied.url}/signup/verify`, {
      method: "POST",
      body: new URLSearchParams({ intent: "confirm", code, _csrf: visitor.csrf }),
      headers: headers(cookieOf(asked)!),
      redirect: "manual",
    });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/practices/new?welcome=1");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ip: string }>(
        "select a.ip from audit_logs a join users u on u.id = a.actor_id where u.email = $1 and a.action = 'workspace.created'",
        [email],
      );
      expect(rows.map((r) => r.ip)).toEqual([from]);
    } finally {
      await client.end();
    }
  });

  it("without trusted proxies a client's own X-Forwarded-For is ignored: the connection's address is counted", async () => {
    expect(await signUpFrom(direct.url, `falso.${RUN}@example.ec`, ip())).toEqual(["127.0.0.1"]);
  });

  it("caps sign-up codes per client IP behind the proxy (SIGNUP_CODES_PER_IP_PER_HOUR): another client is not affected", async () => {
    const a = ip();
    for (let i = 0; i < 2; i++) expect((await signUpRequest(proxied.url, `tope${i}.${RUN}@example.ec`, a)).status).toBe(302);
    const refused = await signUpRequest(proxied.url, `tope2.${RUN}@example.ec`, a);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain("Se enviaron demasiados códigos");
    expect((await signUpRequest(proxied.url, `tope3.${RUN}@example.ec`, ip())).status).toBe(302);
  });
});

describe("small bodies outside uploads", () => {
  const bigForm = (csrf: string) => new URLSearchParams({ email: "x@example.ec", password: "y", note: "a".repeat(8 * 1024), _csrf: csrf });

  it("a form over the limit answers 413 by its Content-Length, before the CSRF check reads it", async () => {
    const visitor = await newSession(proxied.url);
    const res = await fetch(`${proxied.url}/login`, {
      method: "POST",
      body: bigForm(visitor.csrf),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookie },
      redirect: "manual",
    });
    expect(res.status).toBe(413);
    const text = await res.text();
    expect(text).toContain("La solicitud es demasiado grande (máximo 4 KiB)");
    expect(text).toContain("The request is too large (at most 4 KiB)");
  });

  it("a streamed body without a length is cut at the limit: 413", async () => {
    const visitor = await newSession(proxied.url);
    // 256 KiB in 1 KiB chunks against a 4 KiB limit: the answer arrives while the client still sends.
    const form = bigForm(visitor.csrf);
    form.set("note", "a".repeat(256 * 1024));
    const bytes = new TextEncoder().encode(form.toString());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
        controller.close();
      },
    });
    const res = await fetch(`${proxied.url}/login`, {
      method: "POST",
      body,
      duplex: "half",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor.cookie },
      redirect: "manual",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("máximo 4 KiB");
  });

  it("JSON and single-fetch posts are capped too; a small form still works", async () => {
    const visitor = await newSession(proxied.url);
    const json = await fetch(`${proxied.url}/login.data`, {
      method: "POST",
      body: JSON.stringify({ filler: "a".repeat(8 * 1024) }),
      headers: { "Content-Type": "application/json", Cookie: visitor.cookie, "X-CSRF-Token": visitor.csrf },
      redirect: "manual",
    });
    expect(json.status).toBe(413);
    expect((await login(proxied.url, `pequeno.${RUN}@example.ec`, "clave-cualquiera", ip())).status).toBe(401);
  });
});
