// New texts go to the catalogue: `catalogue/no-inline-pairs` fails every inline Spanish/English pair,
// in a route, a component or a package, and lets the catalogue lookup and other two-argument calls through.
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function catalogueMessages(relativePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${relativePath}` });
  return result!.messages.filter((m) => m.ruleId === "catalogue/no-inline-pairs").map((m) => m.message);
}

describe("catalogue/no-inline-pairs", () => {
  it("rejects an inline pair in a route, one report per pair", async () => {
    const source = 'export const x = (t: (a: string, b: string) => string) => [t("Guardar", "Save"), t(`Nuevo ${1}`, "New")];\n';
    const messages = await catalogueMessages("apps/web/app/routes/planted.tsx", source);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("put the text in the catalogue");
  });

  it("rejects a pair called as a method in a package", async () => {
    const source = 'export const x = (i: { t: (a: string, b: string) => string }) => i.t("Enviar", "Send");\n';
    expect(await catalogueMessages("packages/campaigns/src/planted.ts", source)).toHaveLength(1);
  });

  it("lets the catalogue lookup and non-text calls through", async () => {
    const source = 'declare const msg: (c: string) => string;\ndeclare const t: (a: string, b: string) => string;\nconst es = "x";\nexport const a = [msg("billing.back"), t(es, "y")];\n';
    expect(await catalogueMessages("apps/web/app/routes/planted.tsx", source)).toEqual([]);
  });
});
