// npm run bench:import -- [--rows 50000,200000] [--profile-statements]
import { parseArgs } from "node:util";
import { formatCpuAccount, formatStatementProfile } from "@rm/test-utils";
import { formatImportReport, runImportBench } from "../bench-import.ts";

const { values } = parseArgs({ options: { rows: { type: "string", default: "50000,200000" }, "profile-statements": { type: "boolean", default: false } } });
const sizes = values.rows.split(",").map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
  console.error("--rows takes positive integers separated by commas, e.g. --rows 50000,200000");
  process.exit(2);
}
const report = await runImportBench({ sizes, profileStatements: values["profile-statements"], log: (line) => console.error(`[bench] ${line}`) });
console.log(formatImportReport(report));
for (const run of report.runs) {
  console.log(formatCpuAccount(`${run.rows} rows, campaign created: where the CPU went`, run.cpuAccount, run.accepted, "patients").join("\n"));
  if (run.statements) console.log(formatStatementProfile(`${run.rows} rows, campaign created: PostgreSQL`, run.statements).join("\n"));
}
console.log(JSON.stringify(report));
