// The dev server (`npm run dev`) never reloads a tab on its own: every dependency of the client is
// declared in vite.config.ts (optimizeDeps.include), so Vite pre-bundles them at start and never meets
// a new one when a page first loads — which made it reload every open tab and wipe what a patient or
// a receptionist had typed. From an empty dependency cache, every page's document and every client
// module the app has (each route module and what it imports) are requested; Vite must not report a
// dependency it had to optimize late.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_ROOT } from "./support/build.ts";
import { get, signIn, type Session } from "./support/http.ts";
import { createTenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const LATE_OPTIMIZATION = /new dependencies optimized|optimized dependencies changed|Failed to resolve dependency/;

let db: TestDatabase;
let dev: WebServer;
let owner: Session;
const cacheDir = mkdtempSync(path.join(tmpdir(), "rm-vite-cache-"));

beforeAll(async () => {
  db = await createTestDatabase();
  const tenant = await createTenant(db.url, "dev");
  dev = await startWebServer({ databaseUrl: db.url, mode: "development", env: { VITE_CACHE_DIR: cacheDir } });
  owner = await signIn(dev.url, tenant.owner.email, tenant.owner.password);
}, 180_000);

afterAll(async () => {
  await dev?.stop();
  await db?.drop();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Every module the browser would load for the app: entry, root, each route, and their imports of app and workspace sources. */
async function loadClientModules(): Promise<number> {
  const routes = readdirSync(path.join(WEB_ROOT, "app/routes")).filter((f) => /\.tsx?$/.test(f) && !f.includes(".server."));
  const queue = ["/app/entry.client.tsx", "/app/root.tsx", ...routes.map((r) => `/app/routes/${r}`)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await get(dev.url, url, owner);
    const text = await res.text();
    expect(res.status, url).toBe(200);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\/[^"]+)"/g)) {
      // Pre-bundled dependencies and Vite's own modules are what is being checked, not walked.
      if (!/^\/(?:node_modules|@vite|@id)\//.test(m[1]!)) queue.push(m[1]!);
    }
  }
  return seen.size;
}

describe("the dev server", () => {
  it("pre-bundles every client dependency at start: no page load makes Vite optimize one late and reload the tabs", { timeout: 180_000 }, async () => {
    for (const page of ["/login", "/signup"]) {
      const res = await get(dev.url, page);
      expect(res.status, page).toBe(200);
      await res.arrayBuffer();
    }
    for (const page of ["/", "/campaigns", "/campaigns/new", "/campaigns/send", "/conversations", "/inbox", "/contacts", "/leads", "/analytics", "/practices", "/templates", "/templates/library", "/templates/library/new", "/settings", "/users", "/audit", "/billing", "/account"]) {
      const res = await get(dev.url, page, owner);
      expect(res.status, page).toBe(200);
      await res.arrayBuffer();
    }
    expect(await loadClientModules()).toBeGreaterThan(40);
    // Vite reports a late optimization a moment after the request that found it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(dev.logs.filter((l) => LATE_OPTIMIZATION.test(l))).toEqual([]);
  });
});
