// Builds one app's production folder, the contents of its container image:
//
//   node packages/ops/src/build-app.ts <web|relay|worker|simulator> <out-dir> [--skip-web-build]
//
// Node refuses to strip types under node_modules, and `pnpm deploy --prod` puts the workspace
// packages (TypeScript sources) exactly there, so production runs JavaScript: esbuild bundles the
// app's entry with our workspace code inlined and every npm dependency left external; the npm
// dependencies come from `pnpm deploy --prod` (hoisted, so the bundle at the folder's root resolves
// them). The web app also gets its Remix client/server build and `migrate.js`: the migrations as
// JavaScript classes, run without any TypeScript loader.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions as EsbuildOptions, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export type AppName = "web" | "relay" | "worker" | "simulator";

/** What the image runs, relative to its working directory (/app). */
export const APP_COMMAND: Record<AppName, string[]> = {
  web: ["node", "server.js"],
  relay: ["node", "dist/main.js"],
  worker: ["node", "dist/main.js"],
  simulator: ["node", "dist/main.js"],
};
export const MIGRATE_COMMAND = ["node", "migrate.js"];

const ENTRY: Record<AppName, { from: string; to: string }> = {
  web: { from: "apps/web/server.ts", to: "server.js" },
  relay: { from: "apps/relay/src/main.ts", to: "dist/main.js" },
  worker: { from: "apps/worker/src/main.ts", to: "dist/main.js" },
  simulator: { from: "apps/simulator/src/main.ts", to: "dist/main.js" },
};

/** Workspace packages (@rm/*) and relative imports are bundled; npm packages and builtins stay imports. */
const npmExternal: Plugin = {
  name: "npm-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@rm/") ? undefined : { path: args.path, external: true }));
  },
};

const common: EsbuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  plugins: [npmExternal],
  logLevel: "warning",
  legalComments: "none",
  sourcemap: "linked",
  banner: { js: "// Built by packages/ops/src/build-app.ts: do not edit." },
};

export interface BuildOptions {
  skipWebBuild?: boolean;
  /**
   * Reuse the deployed production dependencies while the lockfile and manifests are unchanged
   * (hard-linked from this folder), as Docker reuses its dependency layer. Tests use it; images don't.
   */
  depsCacheDir?: string;
  log?: (line: string) => void;
}

/** Changes whenever what `pnpm deploy --prod` would install changes. */
function depsFingerprint(app: AppName): string {
  const hash = createHash("sha256").update(app).update(readFileSync(path.join(ROOT, "pnpm-lock.yaml")));
  for (const dir of ["apps", "packages"]) {
    for (const name of readdirSync(path.join(ROOT, dir)).sort()) {
      const manifest = path.join(ROOT, dir, name, "package.json");
      if (existsSync(manifest)) hash.update(manifest).update(readFileSync(manifest));
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function deploy(app: AppName, out: string): void {
  execFileSync("pnpm", ["--filter", `@rm/${app}`, "deploy", "--prod", "--legacy", "--config.node-linker=hoisted", "--reporter=silent", out], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}

export async function buildApp(app: AppName, outDir: string, o: BuildOptions = {}): Promise<void> {
  const log = o.log ?? ((line: string) => process.stderr.write(`[build-app] ${line}\n`));
  const out = path.resolve(outDir);
  rmSync(out, { recursive: true, force: true });

  if (app === "web" && !o.skipWebBuild) {
    log("remix vite:build");
    const cli = createRequire(path.join(ROOT, "apps/web/package.json")).resolve("@remix-run/dev/dist/cli.js");
    execFileSync(process.execPath, [cli, "vite:build"], { cwd: path.join(ROOT, "apps/web"), stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  }

  const cached = o.depsCacheDir ? path.join(o.depsCacheDir, `${app}-${depsFingerprint(app)}`) : null;
  if (cached && existsSync(cached)) {
    log(`production dependencies from ${cached}`);
    execFileSync("cp", ["-al", cached, out]);
  } else {
    log(`pnpm deploy --prod (${app})`);
    deploy(app, out);
    // The TypeScript sources and tests are in the bundle (or not needed): keep the image small.
    for (const entry of ["src", "test", "app", "server", "server.ts", "tsconfig.json", "vitest.config.ts", "vite.config.ts", "bench", ".turbo", "build", "README.md"]) rmSync(path.join(out, entry), { recursive: true, force: true });
    if (cached) {
      const tmp = `${cached}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(path.dirname(cached), { recursive: true });
      execFileSync("cp", ["-al", out, tmp]);
      // Older dependency sets of this app are stale now.
      for (const entry of readdirSync(path.dirname(cached))) {
        if (entry.startsWith(`${app}-`) && !entry.endsWith(".tmp")) rmSync(path.join(path.dirname(cached), entry), { recursive: true, force: true });
      }
      renameSync(tmp, cached);
    }
  }

  log(`esbuild ${ENTRY[app].from}`);
  await build({ ...common, entryPoints: [path.join(ROOT, ENTRY[app].from)], outfile: path.join(out, ENTRY[app].to) });

  if (app === "web") {
    const buildDir = path.join(ROOT, "apps/web/build");
    if (!existsSync(path.join(buildDir, "server/index.js"))) throw new Error("apps/web/build is missing: run the Remix build first (or drop --skip-web-build)");
    cpSync(buildDir, path.join(out, "build"), { recursive: true });
    // Vite leaves the workspace packages as imports in the server build (they are dependencies of the
    // web app): inline them the same way, so nothing under node_modules is TypeScript at runtime.
    const serverBuild = path.join(out, "build/server/index.js");
    await build({ ...common, entryPoints: [path.join(buildDir, "server/index.js")], outfile: serverBuild, allowOverwrite: true, sourcemap: false, banner: {} });
    await buildMigrations(path.join(out, "migrate.js"));
  }
}

/** migrate.js: applies pending migrations, listed as classes (no file discovery, no TS loader). */
async function buildMigrations(outfile: string): Promise<void> {
  const dir = path.join(ROOT, "packages/db/src/migrations");
  const names = readdirSync(dir)
    .filter((f) => /^Migration\d+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ""))
    .sort();
  const source = `
import { MikroORM } from "@mikro-orm/postgresql";
import { buildOrmConfig } from "./orm-config.ts";
${names.map((n) => `import { ${n} } from "./migrations/${n}.ts";`).join("\n")}

const databaseUrl = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(JSON.stringify({ level: "fatal", process: "migrate", msg: "DATABASE_URL is not set" }));
  process.exit(1);
}
const log = (level, msg, extra = {}) => console.log(JSON.stringify({ level, time: new Date().toISOString(), process: "migrate", msg, ...extra }));
const config = buildOrmConfig({ databaseUrl, poolMax: 2 });
const migrationsList = [${names.map((n) => `{ name: ${JSON.stringify(n)}, class: ${n} }`).join(", ")}];
let orm;
try {
  orm = await MikroORM.init({ ...config, migrations: { ...config.migrations, migrationsList } });
  const pending = await orm.migrator.getPending();
  log("info", "applying migrations", { pending: pending.map((m) => m.name), known: migrationsList.length });
  const applied = await orm.migrator.up();
  log("info", "migrations applied", { applied: applied.map((m) => m.name) });
} catch (err) {
  log("fatal", "migrations failed", { err: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
} finally {
  await orm?.close(true);
}
`;
  await build({ ...common, stdin: { contents: source, resolveDir: path.join(ROOT, "packages/db/src"), sourcefile: "migrate-entry.ts", loader: "ts" }, outfile });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [app, outDir, ...flags] = process.argv.slice(2);
  if (!app || !outDir || !(app in ENTRY)) {
    process.stderr.write("usage: node packages/ops/src/build-app.ts <web|relay|worker|simulator> <out-dir> [--skip-web-build]\n");
    process.exit(2);
  }
  mkdirSync(path.dirname(path.resolve(outDir)), { recursive: true });
  await buildApp(app as AppName, outDir, { skipWebBuild: flags.includes("--skip-web-build") });
}
