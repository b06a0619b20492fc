// Texts come from the message catalogue (@rm/catalogue, decision 010). Pages written before it still
// hold inline Spanish/English pairs, `t("Guardar", "Save")`; `inline-pairs-baseline.json` records how
// many each file has, and this rule fails a file that has more (a new pair) or fewer (then lower its
// number in the baseline, so a moved text cannot come back inline).
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BASELINE_FILE = path.join(ROOT, "eslint", "inline-pairs-baseline.json");

/** @type {Record<string, number>} */
const baseline = JSON.parse(readFileSync(BASELINE_FILE, "utf8"));

const isText = (node) => (node.type === "Literal" && typeof node.value === "string") || node.type === "TemplateLiteral";

/** `t("…", "…")` or `x.t("…", "…")`: the inline pair shape of the old translator. */
function isInlinePair(node) {
  const callee = node.callee;
  const name = callee.type === "Identifier" ? callee.name : callee.type === "MemberExpression" && callee.property.type === "Identifier" ? callee.property.name : null;
  return name === "t" && node.arguments.length === 2 && node.arguments.every(isText);
}

const noInlinePairs = {
  meta: {
    type: "suggestion",
    schema: [],
    messages: {
      added:
        "{{count}} inline Spanish/English pairs in this file; eslint/inline-pairs-baseline.json allows {{allowed}}. Put new texts in the catalogue (@rm/catalogue) and show them with msg(code).",
      lower: "{{count}} inline Spanish/English pairs left in this file: lower its number in eslint/inline-pairs-baseline.json from {{allowed}} to {{count}}.",
    },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join("/");
    const allowed = baseline[file] ?? 0;
    const pairs = [];
    return {
      CallExpression(node) {
        if (isInlinePair(node)) pairs.push(node);
      },
      "Program:exit"(program) {
        const data = { count: String(pairs.length), allowed: String(allowed) };
        if (pairs.length > allowed) context.report({ node: pairs[allowed], messageId: "added", data });
        else if (pairs.length < allowed) context.report({ node: program, loc: { line: 1, column: 0 }, messageId: "lower", data });
      },
    };
  },
};

export function catalogueConfigs() {
  return [
    {
      name: "catalogue/no-inline-pairs",
      files: ["apps/**/*.ts", "apps/**/*.tsx", "packages/**/*.ts", "packages/**/*.tsx"],
      ignores: ["**/*.test.ts", "**/test/**"],
      plugins: { catalogue: { rules: { "no-inline-pairs": noInlinePairs } } },
      rules: { "catalogue/no-inline-pairs": "error" },
    },
  ];
}
