// The practice form's Google review link without JavaScript: each form Google hands out (a Place ID,
// a writereview?placeid= link, a g.page/r/…/review link) is saved by a plain POST and the practice page
// and the practices list then show the link patients get; anything else is refused next to the field,
// with the accepted forms named, and nothing typed is lost.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let web: WebServer;
let tenant: Tenant;
let owner: Session;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await createTenant(db.url, "reviews");
  web = await startWebServer({ databaseUrl: db.url });
  owner = await signIn(web.url, tenant.owner.email, tenant.owner.password);
});

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

const PLACE_ID = "ChIJN1t_tDeuEmsRUsoyG83frY4";
const WRITE_REVIEW = `https://search.google.com/local/writereview?placeid=${PLACE_ID}`;
const G_PAGE = "https://g.page/r/CZ1nGqbVEkXhEBM/review";

/** The href of the form's review-link preview, HTML-decoded; null when the page shows none. */
function previewHref(html: string): string | null {
  const m = /<a href="([^"]*)"[^>]*data-testid="review-link"/.exec(html);
  return m ? m[1]!.replace(/&amp;/g, "&") : null;
}

async function practiceRow(name: string) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; google_place_id: string | null; google_review_url: string | null }>(
      "select id, google_place_id, google_review_url from practices where name = $1",
      [name],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe("the practice's Google review link, saved through the form without JavaScript", () => {
  it.each([
    ["a bare Place ID", PLACE_ID, { google_place_id: PLACE_ID, google_review_url: null }, WRITE_REVIEW],
    ["a writereview?placeid= link", WRITE_REVIEW, { google_place_id: PLACE_ID, google_review_url: null }, WRITE_REVIEW],
    ["a g.page review link", G_PAGE, { google_place_id: null, google_review_url: G_PAGE }, G_PAGE],
    ["a g.page review link without https://, with a slash and a query", "g.page/r/CZ1nGqbVEkXhEBM/review/?rc", { google_place_id: null, google_review_url: G_PAGE }, G_PAGE],
  ])("%s: saved, and the practice page and the list show the working link", async (_kind, pasted, stored, link) => {
    const name = `Sede ${pasted.length}-${Math.random().toString(36).slice(2, 8)}`;
    const res = await post(web.url, "/practices/new", owner, { name, timezone: "America/Guayaquil", country: "EC", googleReview: pasted });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/practices?notice=saved");
    const row = await practiceRow(name);
    expect({ google_place_id: row!.google_place_id, google_review_url: row!.google_review_url }).toEqual(stored);

    // The practice page, server-rendered: the field holds what was saved and the preview the link.
    const page = await (await get(web.url, `/practices/${row!.id}`, owner)).text();
    expect(previewHref(page)).toBe(link);
    const list = await (await get(web.url, "/practices", owner)).text();
    expect(list.replace(/&amp;/g, "&")).toContain(`href="${link}"`);

    // Saving the page again as it is keeps the same link.
    const again = await post(web.url, `/practices/${row!.id}`, owner, { name, timezone: "America/Guayaquil", country: "EC", googleReview: row!.google_review_url ?? row!.google_place_id! });
    expect(again.status).toBe(302);
    expect(previewHref(await (await get(web.url, `/practices/${row!.id}`, owner)).text())).toBe(link);
  });

  it("switching a practice from a Place ID to a g.page link keeps only the link", async () => {
    const name = "Sede Cambio";
    await post(web.url, "/practices/new", owner, { name, timezone: "America/Guayaquil", googleReview: PLACE_ID });
    const { id } = (await practiceRow(name))!;
    expect((await post(web.url, `/practices/${id}`, owner, { name, timezone: "America/Guayaquil", googleReview: G_PAGE })).status).toBe(302);
    expect(await practiceRow(name)).toEqual({ id, google_place_id: null, google_review_url: G_PAGE });
    expect((await post(web.url, `/practices/${id}`, owner, { name, timezone: "America/Guayaquil", googleReview: "" })).status).toBe(302);
    expect(await practiceRow(name)).toEqual({ id, google_place_id: null, google_review_url: null });
  });

  it.each([
    ["https://maps.app.goo.gl/abcDEF123", "abre el mapa, no la página de reseñas"],
    ["https://evil.example/r/CZ1nGqbVEkXhEBM/review", "Use un Place ID de Google (ChIJ…), un enlace https://g.page/r/…/review"],
    ["https://g.page@evil.example/r/CZ1nGqbVEkXhEBM/review", "Use un Place ID de Google (ChIJ…), un enlace https://g.page/r/…/review"],
    ["https://g.page/consultorio", "Ese enlace de g.page no es el de reseñas"],
    ["ChIJ corto", "Un Place ID de Google tiene letras"],
  ])("%j is refused next to the field, nothing is saved and the pasted text stays", async (pasted, message) => {
    const name = `Rechazo ${Math.random().toString(36).slice(2, 8)}`;
    const res = await post(web.url, "/practices/new", owner, { name, timezone: "America/Guayaquil", googleReview: pasted });
    expect(res.status).toBe(400);
    const html = (await res.text()).replace(/&amp;/g, "&");
    expect(html).toMatch(new RegExp(`id="googleReview-error"[^>]*>[^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    expect(html).toContain(`value="${pasted}"`);
    expect(previewHref(html)).toBeNull();
    expect(await practiceRow(name)).toBeUndefined();
  });

  it("shows the refusal in English when the interface is in English", async () => {
    const res = await fetch(`${web.url}/practices/new`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: owner.csrf, name: "Maps", timezone: "America/Guayaquil", googleReview: "https://maps.app.goo.gl/abcDEF123" }),
      // The unsigned "lang" cookie holds base64 JSON: "en".
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `${owner.cookie}; lang=${encodeURIComponent(Buffer.from(JSON.stringify("en")).toString("base64"))}` },
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("opens the map, not the review page");
  });
});
