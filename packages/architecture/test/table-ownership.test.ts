// Each table has one owning package (docs/ARCHITECTURE.md, "Table ownership"). This test reads that
// map and every SQL statement in the packages' and apps' source, and fails when code names a table it
// neither owns nor reads as a documented read model (or names in documented schema: triggers).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

interface TableRule {
  owner: string;
  /** package → modules (file names without .ts) that may read the table. */
  readers: Map<string, Set<string>>;
}

/** The "Table ownership" table of docs/ARCHITECTURE.md. */
export function readOwnershipMap(markdown: string): Map<string, TableRule> {
  const section = markdown.split(/^## Table ownership$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error("docs/ARCHITECTURE.md has no \"## Table ownership\" section");
  const map = new Map<string, TableRule>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const table = /^`([a-z_]+)`$/.exec(cells[0] ?? "")?.[1];
    const owner = /^`(@rm\/[a-z-]+)`/.exec(cells[1] ?? "")?.[1];
    if (!table || !owner) continue;
    const readers = new Map<string, Set<string>>();
    for (const part of (cells[2] ?? "").split(";")) {
      const m = /`(@rm\/[a-z-]+)`(?:[^:]*):\s*(.+)/.exec(part.trim());
      if (m) readers.set(m[1]!, new Set(m[2]!.split(",").map((s) => s.trim().replace(/\s.*$/, ""))));
    }
    map.set(table, { owner, readers });
  }
  return map;
}

/** "### Schema that crosses owners": package → module → tables its schema SQL (triggers) may name. */
export function readSchemaExceptions(markdown: string): Map<string, Map<string, Set<string>>> {
  const section = markdown.split(/^### Schema that crosses owners$/m)[1]?.split(/^##+ /m)[0] ?? "";
  const out = new Map<string, Map<string, Set<string>>>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const unit = /^`(@rm\/[a-z-]+)`$/.exec(cells[0] ?? "")?.[1];
    const module = cells[1];
    if (!unit || !module || module === "module" || /^-+$/.test(module)) continue;
    const tables = new Set([...(cells[2] ?? "").matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
    const modules = out.get(unit) ?? new Map<string, Set<string>>();
    modules.set(module, tables);
    out.set(unit, modules);
  }
  return out;
}

/** Statements' table references in one source text: reads (from, join) and writes (insert, update, delete). */
export function tableReferences(source: string, tables: ReadonlySet<string>): { table: string; write: boolean }[] {
  // Comments are not SQL; a URL's "//" at worst hides the rest of its line.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: { table: string; write: boolean }[] = [];
  for (const m of code.matchAll(/\b(delete\s+from|insert\s+into|update|from|join)\s+"?([a-z_]+)"?/gi)) {
    const table = m[2]!;
    if (!tables.has(table)) continue;
    out.push({ table, write: !/^(from|join)$/i.test(m[1]!) });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "migrations" || name === "bench" || name === "testing" || name === "node_modules" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.startsWith("bench-") ? [full] : [];
  });
}

/** Every workspace unit's source (apps and packages), by package name. Test and benchmark infrastructure is outside the rule. */
function units(): { name: string; files: string[] }[] {
  const out: { name: string; files: string[] }[] = [];
  for (const top of ["packages", "apps"]) {
    for (const dir of readdirSync(path.join(root, top))) {
      const manifest = JSON.parse(readFileSync(path.join(root, top, dir, "package.json"), "utf8")) as { name: string };
      if (manifest.name === "@rm/test-utils" || manifest.name === "@rm/harness") continue;
      const files = ["src", "app", "server"].flatMap((d) => sourceFiles(path.join(root, top, dir, d)));
      out.push({ name: manifest.name, files });
    }
  }
  return out;
}

/** Every statement of these units' files that names a table its package neither owns nor may read. */
export function crossings(unitList: { name: string; files: string[] }[], map: Map<string, TableRule>, schema: Map<string, Map<string, Set<string>>>): string[] {
  const tables = new Set(map.keys());
  const where: string[] = [];
  for (const unit of unitList) {
    for (const file of unit.files) {
      const module = path.basename(file).replace(/\.tsx?$/, "");
      for (const ref of tableReferences(readFileSync(file, "utf8"), tables)) {
        const rule = map.get(ref.table)!;
        if (rule.owner === unit.name) continue;
        if (!ref.write && rule.readers.get(unit.name)?.has(module)) continue;
        if (schema.get(unit.name)?.get(module)?.has(ref.table)) continue;
        where.push(`${path.relative(root, file)}: ${ref.write ? "writes" : "reads"} ${ref.table} (owner ${rule.owner})`);
      }
    }
  }
  return where;
}

const architecture = readFileSync(path.join(root, "docs/ARCHITECTURE.md"), "utf8");
const map = readOwnershipMap(architecture);
const schemaExceptions = readSchemaExceptions(architecture);

describe("table ownership", () => {
  it("the map names an owner for every table the migrations create", () => {
    const migrations = readdirSync(path.join(root, "packages/db/src/migrations")).filter((f) => f.endsWith(".ts"));
    const created = new Set(migrations.flatMap((f) => [...readFileSync(path.join(root, "packages/db/src/migrations", f), "utf8").matchAll(/create table "([a-z_]+)"/g)].map((m) => m[1]!)));
    expect([...created].filter((t) => !map.has(t)).sort()).toEqual([]);
  });

  it("no package's SQL crosses into a table it does not own (outside its documented read models and schema)", () => {
    expect(crossings(units(), map, schemaExceptions), "SQL against another package's table: call the owner's function, or document a read model").toEqual([]);
  });

  it("catches a planted crossing: a read outside the named read model and any write", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ownership-"));
    try {
      const file = path.join(dir, "planted.ts");
      writeFileSync(file, "export const a = `select id from messages`;\nexport const b = `update campaigns set status = 'X'`;\n");
      const found = crossings([{ name: "@rm/inbox", files: [file] }], map, schemaExceptions).map((w) => w.replace(/^.*planted\.ts: /, ""));
      expect(found).toEqual(["reads messages (owner @rm/messaging)", "writes campaigns (owner @rm/campaigns)"]);
      // The same read in a module the map names for @rm/inbox is allowed; the write never is.
      const named = path.join(dir, "load-inbox-item.ts");
      writeFileSync(named, "export const a = `select id from messages`;\nexport const b = `update messages set status = 'X'`;\n");
      expect(crossings([{ name: "@rm/inbox", files: [named] }], map, schemaExceptions).map((w) => w.replace(/^.*load-inbox-item\.ts: /, ""))).toEqual(["writes messages (owner @rm/messaging)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads SQL as the rule means it", () => {
    const tables = new Set(["messages", "outbox", "patients"]);
    const refs = tableReferences(
      "// select from patients\nconst a = `select * from messages m join outbox o on true`;\nconst b = \"update patients set x = 1\";\nconst c = 'delete from outbox';",
      tables,
    );
    expect(refs).toEqual([
      { table: "messages", write: false },
      { table: "outbox", write: false },
      { table: "patients", write: true },
      { table: "outbox", write: true },
    ]);
  });

  it("reads the schema exceptions: a module and the tables its triggers name", () => {
    const sample = readSchemaExceptions("### Schema that crosses owners\n\n| package | module | tables | why |\n| --- | --- | --- | --- |\n| `@rm/db` | analytics.entity | `analytics_deltas`, `patients` | triggers |\n\n## Next\n");
    expect(sample).toEqual(new Map([["@rm/db", new Map([["analytics.entity", new Set(["analytics_deltas", "patients"])]])]]));
    expect(schemaExceptions.get("@rm/db")?.get("analytics.entity")?.has("analytics_deltas")).toBe(true);
  });

  it("reads the map's owners and read models", () => {
    const sample = readOwnershipMap("## Table ownership\n\n| table | owner | read models |\n| --- | --- | --- |\n| `messages` | `@rm/messaging` | `@rm/analytics`: queries; `@rm/inbox`: load-inbox-item, list-inbox |\n\n## Next\n");
    expect(sample.get("messages")).toEqual({ owner: "@rm/messaging", readers: new Map([["@rm/analytics", new Set(["queries"])], ["@rm/inbox", new Set(["load-inbox-item", "list-inbox"])]]) });
  });
});
