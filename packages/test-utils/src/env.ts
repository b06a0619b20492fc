/** Test infrastructure URLs come from scripts/test.sh (which starts the local services). */
export function requireEnv(name: "DATABASE_URL" | "REDIS_URL"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (it starts PostgreSQL and Redis)`);
  return value;
}

/**
 * Each `vitest run` migrates a template of its own (named by the global setup and handed to the
 * test workers through the environment), so two runs at once never drop each other's databases.
 */
export function templateDatabase(): string {
  const name = process.env.RM_TEST_TEMPLATE;
  if (!name) throw new Error("RM_TEST_TEMPLATE is not set: the vitest global setup (packages/test-utils/src/global-setup.ts) did not run");
  return name;
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
