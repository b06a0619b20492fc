// Every cookie the production server sets (SPEC §3, §11) is HttpOnly, SameSite and Secure — the
// visitor session with its CSRF token, the language switch, the signed-in session, the sign-out —
// read from the real Set-Cookie headers, not from the code that builds them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { cookieOf, csrfOf, newSession, post } from "./support/http.ts";
import { createUser } from "./support/users.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const USER = { email: `cookies.${Date.now()}@example.ec`, password: "una clave larga y segura 42", name: "Ana Cookies", workspaceName: "Clínica Cookies" };
let db: TestDatabase;
let web: WebServer;

beforeAll(async () => {
  db = await createTestDatabase();
  await createUser(db.url, USER);
  web = await startWebServer({ databaseUrl: db.url, mode: "production" });
});
afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

function attributes(setCookie: string): { name: string; flags: Set<string>; sameSite: string | undefined } {
  const [pair, ...attrs] = setCookie.split(";").map((s) => s.trim());
  const flags = new Set(attrs.map((a) => a.split("=")[0]!.toLowerCase()));
  const sameSite = attrs.find((a) => a.toLowerCase().startsWith("samesite="))?.split("=")[1]?.toLowerCase();
  return { name: pair!.split("=")[0]!, flags, sameSite };
}

describe("cookies in production", () => {
  it("are HttpOnly, SameSite=Lax or Strict and Secure, on every response that sets one", async () => {
    const seen: { step: string; header: string }[] = [];
    const collect = (step: string, res: Response) => {
      for (const header of res.headers.getSetCookie()) seen.push({ step, header });
      return res;
    };

    const visitor = await newSession(web.url);
    collect("visitor", await fetch(`${web.url}/login`));
    collect("language", await post(web.url, "/lang", visitor, { locale: "en", redirectTo: "/login" }));
    const signedIn = collect("sign-in", await post(web.url, "/login", visitor, { email: USER.email, password: USER.password }));
    expect(signedIn.status).toBe(302);
    const cookie = cookieOf(signedIn)!;
    const session = { cookie, csrf: await csrfOf(web.url, cookie) };
    collect("sign-out", await post(web.url, "/logout", session, {}));

    const names = new Set(seen.map((s) => attributes(s.header).name));
    // The flows above set the session and the language cookie; a new cookie is checked the same way.
    expect([...names].sort()).toEqual(expect.arrayContaining(["__session", "lang"]));
    const bad = seen
      .map((s) => ({ ...s, ...attributes(s.header) }))
      .filter((c) => !c.flags.has("httponly") || !c.flags.has("secure") || (c.sameSite !== "lax" && c.sameSite !== "strict"))
      .map((c) => `${c.step}: ${c.name} (${[...c.flags].join(", ")})`);
    expect(bad).toEqual([]);
  });
});
