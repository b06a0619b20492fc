// Texts come from the message catalogue (@rm/catalogue, decision 010): a page or package shows them
// with msg(code). This rule fails any inline Spanish/English pair, `t("Guardar", "Save")`, the shape of
// the translator pages used before the catalogue; the last of those pairs has moved into it.

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
      inline: "An inline Spanish/English pair: put the text in the catalogue (@rm/catalogue, one file per area) and show it with msg(code).",
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        if (isInlinePair(node)) context.report({ node, messageId: "inline" });
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
