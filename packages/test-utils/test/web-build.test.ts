// When `npm start` (and the tests) rebuild the web app: only when the build is missing or something it
// is made from changed — the web app's sources, a workspace package's sources, the lockfile — and
// never for anything else. Checked on a scratch copy of the repository's layout with a stand-in build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureProductionBuild, REPO_ROOT, webBuildInputs, webBuildState } from "../src/web-build.ts";

let root: string;
let builds: number;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** Stands in for `remix vite:build`: writes the server entry, counts the builds. */
function fakeBuild(): void {
  builds++;
  write("apps/web/build/server/index.js", `// build ${builds}\n`);
}

const ensure = () => ensureProductionBuild({ root, build: fakeBuild });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "rm-web-build-"));
  builds = 0;
  write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
  write("apps/web/app/root.tsx", "export default function App() {}\n");
  write("apps/web/vite.config.ts", "export default {};\n");
  write("apps/web/package.json", "{}\n");
  write("packages/campaigns/src/list-campaigns.ts", "export const x = 1;\n");
  write("packages/campaigns/test/list.test.ts", "// a test\n");
  write("packages/campaigns/README.md", "# campaigns\n");
  write("README.md", "# repo\n");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("web build decision", () => {
  it("builds when there is no build, then not again while nothing changed", () => {
    expect(webBuildState(root)).toMatchObject({ fresh: false, reason: "there is no build yet" });
    expect(ensure()).toMatchObject({ built: true });
    expect(ensure()).toMatchObject({ built: false });
    expect(ensure()).toMatchObject({ built: false });
    expect(builds).toBe(1);
  });

  it.each([
    ["a web app source", "apps/web/app/root.tsx"],
    ["a new route", "apps/web/app/routes/login.tsx"],
    ["the Vite config", "apps/web/vite.config.ts"],
    ["a workspace package's source", "packages/campaigns/src/list-campaigns.ts"],
    ["the lockfile", "pnpm-lock.yaml"],
  ])("rebuilds when %s changes", (_what, file) => {
    ensure();
    write(file, "// changed\n");
    expect(webBuildState(root)).toMatchObject({ fresh: false, reason: "its sources changed since the last build" });
    expect(ensure()).toMatchObject({ built: true });
    expect(builds).toBe(2);
    expect(ensure()).toMatchObject({ built: false });
  });

  it("does not rebuild for tests, docs or a touch that changes no content", () => {
    ensure();
    write("packages/campaigns/test/list.test.ts", "// another test\n");
    write("packages/campaigns/README.md", "# changed\n");
    write("README.md", "# changed\n");
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, "apps/web/app/root.tsx"), later, later);
    expect(ensure()).toMatchObject({ built: false });
    expect(builds).toBe(1);
  });

  it("rebuilds when the build was removed or its stamp is missing", () => {
    ensure();
    rmSync(path.join(root, "apps/web/build/.source-hash"));
    expect(webBuildState(root)).toMatchObject({ fresh: false, reason: "the build has no source stamp" });
    ensure();
    rmSync(path.join(root, "apps/web/build"), { recursive: true });
    expect(ensure()).toMatchObject({ built: true });
    expect(builds).toBe(3);
  });

  it("a failed build leaves no stamp: the next start tries again", () => {
    expect(() => ensureProductionBuild({ root, build: () => { throw new Error("vite failed"); } })).toThrow("vite failed");
    expect(ensure()).toMatchObject({ built: true });
  });

  it("the repository's inputs are the web app, every package's sources and the lockfile, and the check is fast", () => {
    const inputs = webBuildInputs(REPO_ROOT);
    expect(inputs).toContain("pnpm-lock.yaml");
    expect(inputs).toContain("apps/web/vite.config.ts");
    expect(inputs).toContain("apps/web/app/root.tsx");
    expect(inputs).toContain("packages/campaigns/src/index.ts");
    expect(inputs).toContain("packages/inbox/src/index.ts");
    expect(inputs.some((f) => f.includes("node_modules") || f.startsWith("apps/web/build/") || f.startsWith("apps/web/test/"))).toBe(false);
    const started = performance.now();
    webBuildState(REPO_ROOT);
    // Generous for a shared machine; typically a few tens of ms.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
