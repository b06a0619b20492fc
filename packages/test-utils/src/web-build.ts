// Builds the web app's production bundle (`remix vite:build`, the web package's build script →
// apps/web/build/) only when something it is made from changed since the last build. Used by
// `npm start` (scripts/start-apps.ts), the tests and the benchmarks, so all of them serve the same
// build. The content hash of the inputs is kept in build/.source-hash: a checkout or a copy that
// changes modification times but not contents never rebuilds, and hashing ≈ 2.5 MB costs a few ms.
import { spawnSync, type StdioOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const WEB_ROOT = path.join(REPO_ROOT, "apps/web/");

const HASH_FILE = "apps/web/build/.source-hash";
const SERVER_BUILD = "apps/web/build/server/index.js";
// The web app's own sources and configuration; the workspace packages, whose sources Vite bundles
// into the server and client builds; the lockfile (dependency versions).
const WEB_INPUTS = ["app", "public", "vite.config.ts", "package.json", "tsconfig.json"].map((f) => `apps/web/${f}`);
const ROOT_INPUTS = ["pnpm-lock.yaml", "tsconfig.base.json"];

function listFiles(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .filter((d) => d.name !== "node_modules")
    .flatMap((d) => listFiles(root, path.posix.join(entry, d.name)));
}

/** Every file the production build depends on, relative to `root` (the repository), sorted. */
export function webBuildInputs(root = REPO_ROOT): string[] {
  const packagesDir = path.join(root, "packages");
  const packages = existsSync(packagesDir) ? readdirSync(packagesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `packages/${d.name}`) : [];
  const entries = [...WEB_INPUTS, ...ROOT_INPUTS, ...packages.flatMap((p) => [`${p}/src`, `${p}/package.json`])];
  return entries.flatMap((e) => listFiles(root, e)).sort();
}

export function sourceHash(root = REPO_ROOT): string {
  const hash = createHash("sha256");
  for (const file of webBuildInputs(root)) hash.update(file).update("\0").update(readFileSync(path.join(root, file))).update("\0");
  return hash.digest("hex");
}

export interface WebBuildState {
  /** True when build/ exists and was made from exactly the current inputs. */
  fresh: boolean;
  /** The inputs' content hash now. */
  hash: string;
  /** Why a build is needed (for the start script's log line); "" when fresh. */
  reason: string;
}

/** Whether apps/web/build is up to date with its sources (without building anything). */
export function webBuildState(root = REPO_ROOT): WebBuildState {
  const hash = sourceHash(root);
  if (!existsSync(path.join(root, SERVER_BUILD))) return { fresh: false, hash, reason: "there is no build yet" };
  const stamp = path.join(root, HASH_FILE);
  if (!existsSync(stamp)) return { fresh: false, hash, reason: "the build has no source stamp" };
  if (readFileSync(stamp, "utf8").trim() !== hash) return { fresh: false, hash, reason: "its sources changed since the last build" };
  return { fresh: true, hash, reason: "" };
}

/** Records that the build in `root` was made from inputs with `hash`. */
export function recordWebBuild(hash: string, root = REPO_ROOT): void {
  writeFileSync(path.join(root, HASH_FILE), hash);
}

/** Runs the web package's build script (`remix vite:build`) in production mode. */
export function runWebBuild({ stdio = "pipe" }: { stdio?: "pipe" | "inherit" } = {}): void {
  const cli = createRequire(path.join(WEB_ROOT, "package.json")).resolve("@remix-run/dev/dist/cli.js");
  // The Remix plugin is off under vitest: the build must not see vitest's variables.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const quiet = stdio === "pipe";
  const result = spawnSync(process.execPath, [cli, "vite:build", ...(quiet ? ["--logLevel", "warn"] : [])], {
    cwd: WEB_ROOT,
    env: { ...env, NODE_ENV: "production" },
    encoding: "utf8",
    stdio: (quiet ? "pipe" : ["ignore", "inherit", "inherit"]) satisfies StdioOptions,
  });
  if (result.status !== 0) {
    throw new Error(`remix vite:build failed (exit ${result.status})${quiet ? `:\n${result.stdout}\n${result.stderr}` : ""}`);
  }
}

export interface EnsureBuildOptions {
  root?: string;
  /** Makes the build in `root` (default: the web package's build script). */
  build?: () => void;
  /** Called before building, with the reason. */
  onBuild?: (reason: string) => void;
}

/** Builds the web app when its build is missing or stale; otherwise does nothing. */
export function ensureProductionBuild(o: EnsureBuildOptions = {}): { built: boolean; ms: number; reason: string } {
  const started = Date.now();
  const root = o.root ?? REPO_ROOT;
  const state = webBuildState(root);
  if (state.fresh) return { built: false, ms: Date.now() - started, reason: "" };
  o.onBuild?.(state.reason);
  (o.build ?? runWebBuild)();
  recordWebBuild(state.hash, root);
  return { built: true, ms: Date.now() - started, reason: state.reason };
}
