import type { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates an environment; the error names the first bad variable and what is expected, in one line. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset, as most shells and orchestrators treat them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.join(".") || "environment";
  const message = issue.code === "invalid_type" && cleaned[name] === undefined ? `is missing: ${issue.message.replace(/^required \((.*)\)$/, "expected $1")}` : `is invalid: ${issue.message}`;
  throw new ConfigError(`${name} ${message}`);
}

/** For process entry points: on bad configuration print one line and exit(1). */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
