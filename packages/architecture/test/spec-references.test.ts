// Every "§" reference in the repository's code and docs names a section that docs/SPEC.md has.
//
// The rule, precisely:
// - A reference is "§" followed directly by a section number, "§N" or "§N.M" ("SPEC §5.4", "§11").
//   Written "SPEC §…" or bare, it means docs/SPEC.md: that is the only numbered document here.
// - A range names both ends: "§5.1–5.3" and "§3–§5" check 5.1 and 5.3, 3 and 5 (en dash or hyphen).
// - A reference into another document's own numbering names that document right before the sign,
//   in one of the forms of OTHER_DOCUMENTS ("RFC 9110 §8.6", "decision 004 §2"), and is not checked.
//   A new kind of such citation is added there, never left to match by accident.
// - A section exists when docs/SPEC.md has a Markdown heading that starts with its number
//   ("## 5. The feedback flow", "### 5.4 Sending"); each number has exactly one heading.
// Scanned: every tracked file under SCANNED (git ls-files), except node_modules, `.snapshot` files and
// binary files.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const SPEC = "docs/SPEC.md";
const SCANNED = ["apps", "packages", "docs", "charts", "scripts", "k8s", "eslint", ".ci", "README.md", "Tiltfile"];

/** Citations of other numbered documents: the text right before their "§". */
const OTHER_DOCUMENTS: readonly RegExp[] = [/\bRFC\s*\d+\s*$/i, /\bdecisions?\s+\d+\s*$/i];

const REFERENCE = /§(\d+(?:\.\d+)?)(?:\s*[–-]\s*§?(\d+(?:\.\d+)?))?/g;
const HEADING = /^#{1,6}\s+(\d+(?:\.\d+)?)\.?\s/;

interface Reference {
  file: string;
  line: number;
  section: string;
  text: string;
}

/** The SPEC references in one file's text, per the rule above. */
function specReferences(file: string, text: string): Reference[] {
  const found: Reference[] = [];
  text.split("\n").forEach((lineText, index) => {
    for (const match of lineText.matchAll(REFERENCE)) {
      const before = lineText.slice(0, match.index);
      if (OTHER_DOCUMENTS.some((other) => other.test(before))) continue;
      for (const section of [match[1], match[2]]) {
        if (section) found.push({ file, line: index + 1, section, text: match[0] });
      }
    }
  });
  return found;
}

/** Heading numbers of docs/SPEC.md, with every line each one is on. */
function specHeadings(markdown: string): Map<string, number[]> {
  const headings = new Map<string, number[]>();
  markdown.split("\n").forEach((lineText, index) => {
    const number = HEADING.exec(lineText)?.[1];
    if (number) headings.set(number, [...(headings.get(number) ?? []), index + 1]);
  });
  return headings;
}

/** "file:line §N.M" for each reference whose section has no heading. */
function unresolved(references: readonly Reference[], headings: ReadonlyMap<string, unknown>): string[] {
  return references.filter((r) => !headings.has(r.section)).map((r) => `${r.file}:${r.line} ${r.text} (no heading for §${r.section} in ${SPEC})`);
}

function trackedTextFiles(): { file: string; text: string }[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--", ...SCANNED], { cwd: root, encoding: "utf8" });
  return listed
    .split("\0")
    .filter((file) => file !== "" && !file.split("/").includes("node_modules") && !file.endsWith(".snapshot"))
    .map((file) => ({ file, text: readFileSync(`${root}${file}`, "utf8") }))
    .filter(({ text }) => !text.includes("\0"));
}

describe("SPEC references", () => {
  const headings = specHeadings(readFileSync(`${root}${SPEC}`, "utf8"));
  const files = trackedTextFiles();
  const references = files.flatMap(({ file, text }) => specReferences(file, text));

  it("reads references as the rule says", () => {
    const sections = (text: string) => specReferences("x.ts", text).map((r) => r.section);
    expect(sections("// Sending (SPEC §2 \"Sending without duplicates\", §5.4).")).toEqual(["2", "5.4"]);
    expect(sections("(SPEC §5.1–5.3, §6)")).toEqual(["5.1", "5.3", "6"]);
    expect(sections("(SPEC §3–§5) and §5.8/§5.9")).toEqual(["3", "5", "5.8", "5.9"]);
    expect(sections("Upgrading … Checkout, SPEC §6.")).toEqual(["6"]);
    expect(sections("§5.10 is not §5.1")).toEqual(["5.10", "5.1"]);
    expect(sections("no Content-Length (RFC 9110 §8.6); see decision 004 §2")).toEqual([]);
    expect(sections('const GSM = "ÄÖÑÜ§¿abc";')).toEqual([]);
  });

  it("scans the tree, docs/SPEC.md included", () => {
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining([SPEC, "README.md", "packages/messaging/src/send/send-message.ts"]));
    expect(references.length).toBeGreaterThan(100);
  });

  it("every reference names a section docs/SPEC.md has", () => {
    // One line per broken reference, so the failure lists them all.
    expect(unresolved(references, headings).join("\n")).toBe("");
  });

  it("a reference to a section that does not exist is reported", () => {
    // Built from "\u00a7" so that this file, which the scan reads too, cites no missing section.
    const sign = "\u00a7";
    const planted = specReferences("packages/x/src/planted.ts", `// See SPEC ${sign}5.4 and SPEC ${sign}5.11, and ${sign}19.\n`);
    expect(unresolved(planted, headings)).toEqual([
      `packages/x/src/planted.ts:1 ${sign}5.11 (no heading for ${sign}5.11 in ${SPEC})`,
      `packages/x/src/planted.ts:1 ${sign}19 (no heading for ${sign}19 in ${SPEC})`,
    ]);
  });

  it("docs/SPEC.md has one heading per section number, §1–§18 and every step of §5", () => {
    const duplicated = [...headings].filter(([, lines]) => lines.length > 1).map(([n, lines]) => `§${n} at lines ${lines.join(", ")}`);
    expect(duplicated.join("\n")).toBe("");
    const expected = [...Array.from({ length: 18 }, (_, i) => `${i + 1}`), ...Array.from({ length: 10 }, (_, i) => `5.${i + 1}`)];
    expect(expected.filter((n) => !headings.has(n))).toEqual([]);
  });
});
