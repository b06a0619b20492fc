/** Test infrastructure URLs come from scripts/test.sh (which starts the local services). */
export function requireEnv(name: "DATABASE_URL" | "REDIS_URL"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (it starts PostgreSQL and Redis)`);
  return value;
}

export const TEMPLATE_DATABASE = "rm_test_template";

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
