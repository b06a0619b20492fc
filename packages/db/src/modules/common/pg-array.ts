// Most values need no escaping; testing first is much cheaper than two replaces per value (imports
// build arrays of 50,000 phones).
const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal, for `unnest(?::text[])` / `= any(?::uuid[])`: one parameter per column
 * whatever the row count (MikroORM's `execute` would expand a JS array into a list).
 */
export function pgArray(values: readonly (string | number | boolean | Date | null | undefined)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const v = values[i];
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "string") out += NEEDS_ESCAPE.test(v) ? `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : `"${v}"`;
    else if (v instanceof Date) out += `"${v.toISOString()}"`;
    else out += String(v);
  }
  return `${out}}`;
}
