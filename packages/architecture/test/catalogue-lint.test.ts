// New texts go to the catalogue: `catalogue/no-inline-pairs` fails a file with more inline
// Spanish/English pairs than eslint/inline-pairs-baseline.json allows, and one with fewer (so the
// baseline only ever goes down).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const baseline = JSON.parse(readFileSync(`${root}eslint/inline-pairs-baseline.json`, "utf8")) as Record<string, number>;

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function catalogueMessages(relativePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${relativePath}` });
  return result!.messages.filter((m) => m.ruleId === "catalogue/no-inline-pairs").map((m) => m.message);
}

describe("catalogue/no-inline-pairs", () => {
  it("rejects an inline pair in a file the baseline does not list", async () => {
    const messages = await catalogueMessages("apps/web/app/routes/planted.tsx", 'export const x = (t: (a: string, b: string) => string) => t("Guardar", "Save");\n');
    expect(messages).toEqual([expect.stringContaining("allows 0")]);
  });

  it("rejects one pair more than a listed file has", async () => {
    const [file, count] = Object.entries(baseline)[0]!;
    const source = readFileSync(`${root}${file}`, "utf8") + '\nexport const planted = (t: (a: string, b: string) => string) => t(`Nuevo ${1}`, "New");\n';
    expect(await catalogueMessages(file, source)).toEqual([expect.stringContaining(`${count + 1} inline Spanish/English pairs in this file; eslint/inline-pairs-baseline.json allows ${count}`)]);
  });

  it("asks for a lower baseline when a listed file has fewer pairs", async () => {
    const [file, count] = Object.entries(baseline)[0]!;
    expect(await catalogueMessages(file, "export const empty = 1;\n")).toEqual([expect.stringContaining(`lower its number in eslint/inline-pairs-baseline.json from ${count} to 0`)]);
  });

  it("lets the catalogue lookup and non-text calls through", async () => {
    const source = 'declare const msg: (c: string) => string;\ndeclare const t: (a: string, b: string) => string;\nconst es = "x";\nexport const a = [msg("billing.back"), t(es, "y")];\n';
    expect(await catalogueMessages("apps/web/app/routes/planted.tsx", source)).toEqual([]);
  });

  it("the baseline lists only files that exist, each with at least one pair", () => {
    for (const [file, count] of Object.entries(baseline)) {
      expect(() => readFileSync(`${root}${file}`), file).not.toThrow();
      expect(count, file).toBeGreaterThan(0);
    }
  });
});
