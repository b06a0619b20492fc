// The import boundaries (eslint/boundaries.js) catch what they promise: each planted violation is
// reported by its own rule, and the real tree has none. Planted files are linted as text under a
// path inside the tree, so ESLint applies exactly the config a file at that path would get.
/* eslint-disable boundaries/event-keys -- the planted key literals are what this file tests */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function ruleIdsFor(relativePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${relativePath}` });
  return result!.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? "(parse error)");
}

const planted: { boundary: string; path: string; source: string }[] = [
  { boundary: "domain-is-pure", path: "packages/domain/src/planted.ts", source: 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n' },
  { boundary: "domain-is-pure", path: "packages/domain/src/planted.ts", source: 'import { MikroORM } from "@mikro-orm/postgresql";\nexport const x = MikroORM;\n' },
  { boundary: "domain-is-pure", path: "packages/domain/src/planted.ts", source: 'import { sql } from "@rm/db";\nexport const x = sql;\n' },
  { boundary: "packages-never-import-apps", path: "packages/messaging/src/planted.ts", source: 'import { x } from "@rm/simulator";\nexport const y = x;\n' },
  { boundary: "packages-never-import-apps", path: "packages/messaging/test/planted.test.ts", source: 'import { x } from "../../../apps/web/app/root.tsx";\nexport const y = x;\n' },
  { boundary: "routes-never-import-the-orm", path: "apps/web/app/routes/planted.tsx", source: 'import type { EntityManager } from "@mikro-orm/postgresql";\nexport type X = EntityManager;\n' },
  { boundary: "routes-never-import-the-orm", path: "apps/web/app/routes/planted.tsx", source: 'import { Practice } from "@rm/db";\nexport const x = Practice;\n' },
  { boundary: "public-entries-only", path: "apps/worker/src/planted.ts", source: 'import { x } from "@rm/messaging/src/send/send-message.ts";\nexport const y = x;\n' },
  { boundary: "packages-by-name", path: "packages/inbox/src/planted.ts", source: 'import { x } from "../../messaging/src/index.ts";\nexport const y = x;\n' },
  { boundary: "packages-by-name", path: "apps/web/app/routes/planted.tsx", source: 'export { x } from "../../../../packages/db/src/index.ts";\n' },
  { boundary: "event-keys", path: "packages/campaigns/src/planted.ts", source: "export const key = (id: string) => `message.send:${id}`;\n" },
  { boundary: "event-keys", path: "packages/campaigns/test/planted.test.ts", source: "export const sql = \"select 1 from outbox where idempotency_key = 'feedback.reminder:' || p.id::text\";\n" },
  { boundary: "event-keys", path: "apps/web/app/routes/planted.tsx", source: 'export const key = "twilio-status:" + "SM1:sent";\n' },
];

describe("import boundaries", () => {
  it.each(planted)("$boundary rejects $source in $path", async ({ boundary, path, source }) => {
    expect(await ruleIdsFor(path, source)).toContain(`boundaries/${boundary}`);
  });

  it("allows what the boundaries permit", async () => {
    expect(await ruleIdsFor("packages/domain/src/planted.test.ts", 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n')).toEqual([]);
    expect(await ruleIdsFor("packages/messaging/src/planted.ts", 'import { x } from "@rm/domain";\nimport { y } from "@rm/stripe-billing/testing";\nexport const z = [x, y];\n')).toEqual([]);
    expect(await ruleIdsFor("packages/inbox/src/deep/planted.ts", 'import { x } from "../../src/index.ts";\nexport const y = x;\n')).toEqual([]);
    expect(await ruleIdsFor("packages/events/src/planted.ts", "export const key = (id: string) => `message.send:${id}`;\n")).toEqual([]);
    expect(await ruleIdsFor("apps/web/app/.server/planted.ts", 'import type { EntityManager } from "@mikro-orm/postgresql";\nexport type X = EntityManager;\n')).toEqual([]);
  });

  it("every boundary has a planted violation here", async () => {
    const { boundaries } = (await import(`${root}eslint/boundaries.js`)) as { boundaries: { name: string }[] };
    expect(new Set(planted.map((p) => p.boundary))).toEqual(new Set(boundaries.map((b) => b.name)));
  });

  it("the tree as it is passes", async () => {
    const dirs = ["apps", "packages"].flatMap((top) => readdirSync(`${root}${top}`).map((d) => `${top}/${d}`));
    const results = await eslint.lintFiles(dirs.map((d) => `${root}${d}`));
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId?.startsWith("boundaries/")).map((m) => `${r.filePath}:${m.line} ${m.ruleId}`));
    expect(violations).toEqual([]);
  });
});
