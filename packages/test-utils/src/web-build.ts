// Builds the web app's production bundle (`remix vite:build` → build/) once, and only when the sources
// changed since the last build: the content hash of the inputs is kept in build/.source-hash.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_ROOT = fileURLToPath(new URL("../../../apps/web/", import.meta.url));
const HASH_FILE = path.join(WEB_ROOT, "build/.source-hash");
const INPUTS = ["app", "public", "vite.config.ts", "package.json", "tsconfig.json"];

function listFiles(entry: string): string[] {
  const full = path.join(WEB_ROOT, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full, { withFileTypes: true }).flatMap((d) => listFiles(path.join(entry, d.name)));
}

export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(listFiles).sort()) {
    hash.update(file).update("\0").update(readFileSync(path.join(WEB_ROOT, file))).update("\0");
  }
  return hash.digest("hex");
}

export function ensureProductionBuild(): { built: boolean; ms: number } {
  const started = Date.now();
  const hash = sourceHash();
  const fresh =
    existsSync(HASH_FILE) &&
    readFileSync(HASH_FILE, "utf8") === hash &&
    existsSync(path.join(WEB_ROOT, "build/server/index.js"));
  if (fresh) return { built: false, ms: Date.now() - started };

  const cli = createRequire(path.join(WEB_ROOT, "package.json")).resolve("@remix-run/dev/dist/cli.js");
  // The Remix plugin is off under vitest: the build must not see vitest's variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const result = spawnSync(process.execPath, [cli, "vite:build", "--logLevel", "warn"], {
    cwd: WEB_ROOT,
    env: { ...env, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`remix vite:build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(HASH_FILE, hash);
  return { built: true, ms: Date.now() - started };
}
