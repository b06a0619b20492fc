// Redirects after sign-in, from the login page and from the language switch go to same-origin paths
// only (SPEC §17). Browsers drop tabs and newlines inside a URL and read "\" as "/", so "/\t/evil.com"
// in a Location header is "//evil.com": another host. The property test resolves whatever
// safeRedirect lets through with the WHATWG URL parser (the browser's) against a page of the app.
import fc from "fast-check";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeRedirect } from "../app/.server/redirect.server.ts";
import { newSession, post } from "./support/http.ts";
import { createUser } from "./support/users.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const APP = "https://app.example";
// The page the browser is on when it follows the redirect (a relative Location resolves against it).
const PAGES = [`${APP}/`, `${APP}/login?redirectTo=x`, `${APP}/campaigns/drafts/1/`];

/** What a browser does with a Location header: resolve it against the current page. */
function staysOnApp(location: string): boolean {
  return PAGES.every((page) => {
    const url = new URL(location, page);
    return url.origin === APP && url.pathname.startsWith("/") && !url.pathname.startsWith("//");
  });
}

const ATTACKS = [
  "/\t/evil.com",
  "/\n/evil.com",
  "/\r/evil.com",
  "/\r\n/evil.com",
  "/\u0000/evil.com",
  "/\u000b/evil.com",
  "/ /evil.com",
  "/\t\\evil.com",
  "/\\evil.com",
  "/\\/evil.com",
  "//evil.com",
  "///evil.com",
  "/%09/evil.com",
  "/%0a/evil.com",
  "/%0D%0A/evil.com",
  "/%5Cevil.com",
  "/%5C/evil.com",
  "/%2F/evil.com",
  "/%2fevil.com",
  "/%252F/evil.com",
  "/%25%30%39/evil.com",
  "/a/..//evil.com",
  "/\u00a0/evil.com",
  "/\u2028/evil.com",
  "/\ufeff/evil.com",
  "https://evil.com",
  "http:evil.com",
  "javascript:alert(1)",
  "evil.com",
  "",
];

describe("safeRedirect", () => {
  it.each(ATTACKS)("refuses %j (the fallback instead)", (attack) => {
    expect(safeRedirect(attack)).toBe("/");
    expect(safeRedirect(attack, "/campaigns")).toBe("/campaigns");
  });

  it("keeps same-origin paths with their query and fragment", () => {
    for (const path of ["/", "/campaigns", "/campaigns?x=1", "/inbox/3f0c?status=NEW&q=Ana%20Mar%C3%ADa#top", "/campaigns/drafts/1/rejected.csv", "/q?next=%2Fx"]) {
      expect(safeRedirect(path)).toBe(path);
    }
  });

  it("refuses non-strings (a file field, a missing field)", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(new File(["/x"], "x.txt"))).toBe("/");
  });

  it("whatever it returns, a browser resolves on the app's origin as a path (property)", () => {
    const piece = fc.constantFrom(
      "/", "//", "\\", "\t", "\n", "\r", "\u0000", "\u001f", "\u007f", "\u0085", " ", "\u00a0", "\u2028", "\u3000", "\ufeff",
      "%09", "%0a", "%0d", "%00", "%20", "%2f", "%2F", "%5c", "%5C", "%25", "%", "%2", "%E3%80%80",
      "http:", "https://", "javascript:", "data:", "evil.com", "@", ":", ".", "..", "?", "#", "a", "x=1", "&",
    );
    const crafted = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join(""));
    const startsWithSlash = crafted.map((s) => `/${s}`);
    const anything = fc.string({ unit: "binary", maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(crafted, startsWithSlash, anything), (candidate) => {
        const result = safeRedirect(candidate);
        expect(result === "/" || result === candidate).toBe(true);
        expect(staysOnApp(result), JSON.stringify(candidate)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("lets ordinary app paths through unchanged (property)", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/).filter((s) => s !== "." && s !== "..");
    const query = fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), query, (segments, params) => {
        const search = params && Object.keys(params).length ? `?${new URLSearchParams(params)}` : "";
        const path = `/${segments.join("/")}${search}`;
        expect(safeRedirect(path)).toBe(path);
      }),
    );
  });
});

describe("the real server", () => {
  const USER = { email: `redirect.${Date.now()}@example.ec`, password: "una clave larga y segura 42", name: "Ana Redirect", workspaceName: "Clínica Redirect" };
  let db: TestDatabase;
  let web: WebServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db.url, USER);
    web = await startWebServer({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  it("sends a signed-in user to / instead of another host, at sign-in and from the login page", async () => {
    for (const redirectTo of ["/\t/evil.example", "/\\evil.example", "/%09/evil.example", "/%5Cevil.example"]) {
      const visitor = await newSession(web.url);
      const signedIn = await post(web.url, "/login", visitor, { email: USER.email, password: USER.password, redirectTo });
      expect(signedIn.status, JSON.stringify(redirectTo)).toBe(302);
      expect(signedIn.headers.get("location"), JSON.stringify(redirectTo)).toBe("/");
      const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("__session="))!.split(";")[0]!;
      const loginPage = await fetch(`${web.url}/login?${new URLSearchParams({ redirectTo })}`, { headers: { Cookie: cookie }, redirect: "manual" });
      expect(loginPage.status).toBe(302);
      expect(loginPage.headers.get("location"), JSON.stringify(redirectTo)).toBe("/");
    }
  });

  it("the language switch returns to the page, never to another host", async () => {
    const visitor = await newSession(web.url);
    const evil = await post(web.url, "/lang", visitor, { locale: "en", redirectTo: "/\t/evil.example" });
    expect(evil.status).toBe(302);
    expect(evil.headers.get("location")).toBe("/");
    const back = await post(web.url, "/lang", visitor, { locale: "en", redirectTo: "/signup?x=1" });
    expect(back.headers.get("location")).toBe("/signup?x=1");
  });
});
