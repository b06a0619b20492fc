// The private feedback form's spam guard (SPEC §11): a few submissions per link and hour, then 429
// with Retry-After; nothing beyond the limit reaches the staff inbox.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createScenario, createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSession, post } from "./support/http.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let orm: MikroORM;
let web: WebServer;
let token: string;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
  const s = await createScenario(orm, { patients: 1, dueAt: new Date() });
  workspaceId = s.workspaceId;
  await orm.em.fork().execute("update patients set status = 'RATED', rating = 2, rated_at = now() where workspace_id = ?", [workspaceId]);
  token = (await orm.em.fork().execute<{ public_token: string }[]>("select public_token from patients where workspace_id = ?", [workspaceId]))[0]!.public_token;
  web = await startWebServer({ databaseUrl: db.url });
});

afterAll(async () => {
  await web?.stop();
  await orm?.close(true);
  await db?.drop();
});

describe("feedback form limit", () => {
  it("takes five comments from one link in an hour, then answers 429 with Retry-After and stores nothing more", async () => {
    const session = await newSession(web.url);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 1; i <= 7; i++) {
      const res = await post(web.url, `/f/${token}`, session, { text: `Comentario número ${i}: la espera fue larga.` });
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused!.text()).toContain("varios comentarios");
    // Resubmissions add to the patient's one inbox item: the first five are there, the refused ones not.
    const rows = await orm.em.fork().execute<{ text: string }[]>("select text from feedback where workspace_id = ? and source = 'FORM'", [workspaceId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain("número 5");
    expect(rows[0]!.text).not.toContain("número 6");
  });
});
