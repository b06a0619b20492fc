// npm run audit [-- --level moderate]: `pnpm audit` against audit-allowlist.json (see packages/harness/README.md).
// Exit 0: nothing unexplained. 1: unexplained findings or expired allowlist entries. 2: the audit could not run.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AuditUnavailableError, formatAuditVerdict, judgeAudit, parseAllowlist, parsePnpmAudit, SEVERITIES, type Severity } from "../audit.ts";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const { values } = parseArgs({ options: { level: { type: "string", default: "low" }, allowlist: { type: "string", default: `${ROOT}audit-allowlist.json` } } });
if (!(SEVERITIES as readonly string[]).includes(values.level)) {
  console.error(`--level must be one of ${SEVERITIES.join(", ")}`);
  process.exit(2);
}

const allowlist = parseAllowlist(JSON.parse(readFileSync(values.allowlist, "utf8")));
// Production and development dependencies alike: test tooling runs in CI with secrets too.
const run = spawnSync("pnpm", ["audit", "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
try {
  const verdict = judgeAudit(parsePnpmAudit(run.stdout), allowlist, new Date().toISOString().slice(0, 10), values.level as Severity);
  console.log(formatAuditVerdict(verdict));
  process.exit(verdict.failing.length > 0 || verdict.expired.length > 0 ? 1 : 0);
} catch (err) {
  if (!(err instanceof AuditUnavailableError)) throw err;
  console.error(`audit could not run: ${err.message}`);
  process.exit(2);
}
