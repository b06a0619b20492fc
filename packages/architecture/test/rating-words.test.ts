// One meaning per word (decision 027): promoter, passive, detractor, unhappy and the response rate are
// defined once, in @rm/domain (ratings/rating-bands.ts). A page, query or export that spells a rating
// range itself — `rating <= 2`, `between 1 and 3`, "Insatisfechos (1–3)" — can drift from it, so this
// test fails on any such spelling outside the domain; SQL takes `ratingSql(...)`, texts `groupRange(...)`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Not scanned: the definition itself, schema (the 1–5 check constraints), tests and benchmarks' seeds.
 */
const SKIP = [
  /^packages\/domain\//,
  /^packages\/db\//,
  /\/bench\//,
  /\.test\.tsx?$/,
  /\/test\//,
];

/** Ways of spelling a rating range by hand. */
export const SPELLED_RANGES: { name: string; pattern: RegExp }[] = [
  { name: "a rating compared with a number", pattern: /\brating\s*(?:<=|>=|<|>|===?)\s*[1-5]\b/ },
  { name: "a rating between two numbers", pattern: /\brating\s+between\s+[1-5]\s+and\s+[1-5]\b/i },
  { name: "a group named with its range", pattern: /(?:promot|pasiv|passive|detract|insatisf|unhappy|satisf|happy)\w*\s*\(?\s*[1-5]\s*[–-]\s*[1-5]/i },
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx)$/.test(name)) out.push(rel);
  }
  return out;
}

export function spelledRanges(file: string, text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { name, pattern } of SPELLED_RANGES) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`);
  });
  return found;
}

describe("one definition of the rating words", () => {
  it("finds a hand-spelled range in a query or a page", () => {
    expect(spelledRanges("x.ts", `count(*) filter (where p.rating between 1 and 3)`)).toHaveLength(1);
    expect(spelledRanges("x.ts", `if (rating <= 2) alert();`)).toHaveLength(1);
    expect(spelledRanges("x.tsx", `["Insatisfechos (1–3)", "Unhappy (1–3)"]`)).toHaveLength(1);
    expect(spelledRanges("x.ts", `es: "NPS: promotores 4–5, pasivos 3, detractores 1–2."`)).toHaveLength(1);
    expect(spelledRanges("x.ts", `ratingSql("unhappy", "p.rating")`)).toEqual([]);
  });

  it("no page, query, export or catalogue text outside @rm/domain spells a rating range", () => {
    const files = [...sources("apps"), ...sources("packages")].filter((f) => /\/(src|app)\//.test(f) && !SKIP.some((s) => s.test(f)));
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => spelledRanges(f, readFileSync(path.join(root, f), "utf8")));
    expect(found).toEqual([]);
  });
});
