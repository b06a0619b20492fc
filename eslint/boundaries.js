// Import boundaries between the workspace's packages and apps (docs/ARCHITECTURE.md, "Packages and
// their boundaries"). ESLint's own `no-restricted-imports` is enough: every boundary is a rule about
// the import specifier, so no resolver or third-party plugin is needed (decision 009). Each boundary
// runs as its own copy of that rule (`boundaries/<name>`): flat config replaces a rule's options per
// file instead of merging them, so one shared rule would let the last matching boundary hide the others.
//
// Each entry is one boundary: the files it applies to and the specifiers they may not import.
// `eslint/boundaries.test.ts` plants one violation of each boundary and shows lint fails.

import path from "node:path";
import { builtinRules } from "eslint/use-at-your-own-risk";

/** Process-level I/O and infrastructure clients: the pure domain uses none of them. */
const IO_MODULES = ["pg", "ioredis", "twilio", "stripe", "@mikro-orm/*", "undici", "@opentelemetry/*"];

/** Workspace apps, by package name: packages never depend on a deployable. */
const APP_PACKAGES = ["@rm/web", "@rm/relay", "@rm/worker", "@rm/simulator"];

/** Every idempotency key starts with one of these (packages/events/src/). */
const EVENT_KEY_PREFIXES = "(message\\.send|message\\.sms-fallback|feedback\\.reminder|twilio-status|twilio-inbound|stripe-event|billing\\.free-period|campaign\\.confirm|assistant\\.reply|periodic):";
const EVENT_KEY_MESSAGE = "Idempotency keys are built only by their event's contract (@rm/events: key() / keySql()).";

export const boundaries = [
  {
    name: "domain-is-pure",
    files: ["packages/domain/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    patterns: [
      { group: ["node:*"], message: "@rm/domain is pure rules: no I/O (node:* modules) outside tests." },
      { group: IO_MODULES, message: "@rm/domain is pure rules: no database, queue or provider client." },
      { regex: "^@rm/", message: "@rm/domain depends on no other workspace package." },
    ],
  },
  {
    name: "packages-never-import-apps",
    files: ["packages/**/*.ts", "packages/**/*.tsx"],
    patterns: [
      { group: APP_PACKAGES, message: "Packages never import apps: move the shared code into a package." },
      { regex: "^(\\.\\./)+apps/", message: "Packages never import apps: move the shared code into a package." },
    ],
  },
  {
    name: "routes-never-import-the-orm",
    files: ["apps/web/app/routes/**/*.ts", "apps/web/app/routes/**/*.tsx"],
    patterns: [
      { group: ["@mikro-orm/*", "pg", "@rm/db"], message: "Route modules call package functions; the ORM and the entities stay in the packages." },
    ],
  },
  {
    name: "public-entries-only",
    files: ["packages/**/*.ts", "apps/**/*.ts", "apps/**/*.tsx"],
    patterns: [
      { regex: "^@rm/[^/]+/src(/|$)", message: "Import a package through its public entry (package.json \"exports\"), not its src/." },
    ],
  },
  {
    // Idempotency keys are contracts: only the event's own file (packages/events/src/) spells
    // one, in TypeScript or SQL; everyone else calls its `key()` / `keySql()`.
    name: "event-keys",
    files: ["packages/**/*.ts", "packages/**/*.tsx", "apps/**/*.ts", "apps/**/*.tsx"],
    ignores: ["packages/events/src/**"],
    syntax: [
      { selector: `Literal[value=/${EVENT_KEY_PREFIXES}/]`, message: EVENT_KEY_MESSAGE },
      { selector: `TemplateElement[value.raw=/${EVENT_KEY_PREFIXES}/]`, message: EVENT_KEY_MESSAGE },
    ],
  },
  {
    // A relative path can climb into a sibling package at any depth, which a specifier pattern cannot
    // see: this one resolves the path (its own small rule below).
    name: "packages-by-name",
    files: ["packages/**/*.ts", "packages/**/*.tsx", "apps/**/*.ts", "apps/**/*.tsx"],
    rule: "relative-packages",
  },
];

/** `packages/<name>` or `apps/<name>` of an absolute path inside the workspace, or null. */
function workspaceUnit(file) {
  const m = /[\\/](packages|apps)[\\/]([^\\/]+)[\\/]/.exec(file);
  return m ? `${m[1]}/${m[2]}` : null;
}

/** Rejects a relative import that resolves into another workspace package or app. */
const relativePackages = {
  meta: {
    type: "problem",
    schema: [],
    messages: { crosses: "Reach {{target}} through its package name and public entry, not the relative path '{{source}}'." },
  },
  create(context) {
    const own = workspaceUnit(context.filename);
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const target = workspaceUnit(path.resolve(path.dirname(context.filename), source) + path.sep);
      if (target && target !== own) context.report({ node: node.source, messageId: "crosses", data: { target, source } });
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

const restrictedImports = builtinRules.get("no-restricted-imports");
const restrictedSyntax = builtinRules.get("no-restricted-syntax");

function ruleOf(b) {
  if (b.rule === "relative-packages") return relativePackages;
  return b.syntax ? restrictedSyntax : restrictedImports;
}

function optionsOf(b) {
  if (b.patterns) return ["error", { patterns: b.patterns }];
  if (b.syntax) return ["error", ...b.syntax];
  return "error";
}

/** A local plugin with one rule per boundary: a built-in restriction rule, or the rule above. */
const plugin = {
  rules: Object.fromEntries(boundaries.map((b) => [b.name, ruleOf(b)])),
};

/** The boundaries as flat-config entries. */
export function boundaryConfigs() {
  return boundaries.map((b) => ({
    name: `boundaries/${b.name}`,
    files: b.files,
    ...(b.ignores ? { ignores: b.ignores } : {}),
    plugins: { boundaries: plugin },
    rules: { [`boundaries/${b.name}`]: optionsOf(b) },
  }));
}
