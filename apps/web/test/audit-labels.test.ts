// The audit page shows every action by a readable label from the catalogue, in both languages. The
// list of actions is the audit writers' type (AUDIT_ACTIONS); the source scan below catches an
// action written past that type (a cast, a new writer).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { AUDIT_ACTIONS } from "@rm/accounts";
import { createMsg } from "@rm/catalogue";
import { describe, expect, it } from "vitest";
import { actionLabel } from "../app/audit-labels.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "test" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

/** Source folders of every package and app. */
function sourceRoots(): string[] {
  const roots: string[] = [];
  for (const [group, folders] of [["packages", ["src"]], ["apps", ["src", "app"]]] as const) {
    for (const name of readdirSync(path.join(ROOT, group))) {
      for (const folder of folders) {
        const dir = path.join(ROOT, group, name, folder);
        try {
          if (statSync(dir).isDirectory()) roots.push(dir);
        } catch {
          // No such folder in this one.
        }
      }
    }
  }
  return roots;
}

/** `action: "x.y"` (or a ternary of such) in every file that writes audit entries. */
function writtenActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const src of sourceRoots()) {
    for (const file of sources(src)) {
      const text = readFileSync(file, "utf8");
      if (!/\b(recordAudit|insertAudit|writeAudit)\(/.test(text)) continue;
      for (const m of text.matchAll(/\baction:\s*([^,}\n]+)/g)) {
        for (const literal of m[1]!.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.set(literal[1]!, path.relative(ROOT, file));
      }
      // Actions kept in a constant (`const AI_DRAFT_AUDIT_ACTION = "template.ai_drafted"`).
      for (const m of text.matchAll(/\b[A-Z_]*ACTION[A-Z_]*\s*=\s*"([a-z_]+\.[a-z_]+)"/g)) found.set(m[1]!, path.relative(ROOT, file));
    }
  }
  return found;
}

describe("audit action labels", () => {
  it.each(AUDIT_ACTIONS)("%s has a label in Spanish and English", (action) => {
    for (const locale of ["es", "en"] as const) {
      const label = actionLabel(action, createMsg(locale));
      expect(label).not.toBe(action);
      expect(label.trim()).not.toBe("");
    }
  });

  it("every action the code writes is in AUDIT_ACTIONS", () => {
    const written = writtenActions();
    expect(written.size).toBeGreaterThan(20);
    const missing = [...written].filter(([action]) => !(AUDIT_ACTIONS as readonly string[]).includes(action));
    expect(missing).toEqual([]);
  });

  it("reads as staff speak: template.edited is “Plantilla editada” / “Template edited”", () => {
    expect(actionLabel("template.edited", createMsg("es"))).toBe("Plantilla editada");
    expect(actionLabel("template.edited", createMsg("en"))).toBe("Template edited");
    expect(actionLabel("something.new", createMsg("es"))).toBe("something.new");
  });
});
