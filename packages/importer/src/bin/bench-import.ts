// npm run bench:import -- [--rows 50000,200000]
import { parseArgs } from "node:util";
import { formatImportReport, runImportBench } from "../bench-import.ts";

const { values } = parseArgs({ options: { rows: { type: "string", default: "50000,200000" } } });
const sizes = values.rows.split(",").map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
  console.error("--rows takes positive integers separated by commas, e.g. --rows 50000,200000");
  process.exit(2);
}
const report = await runImportBench({ sizes, log: (line) => console.error(`[bench] ${line}`) });
console.log(formatImportReport(report));
console.log(JSON.stringify(report));
