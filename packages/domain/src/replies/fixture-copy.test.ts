import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The reply corpus (SPEC §5.6) is maintained outside the repository, in ../shared/fixtures/replies.tsv
 * (relative to the repository root); the project keeps a verbatim copy in test/fixtures/ so the tests also run on a clone without
 * the shared folder. This test fails as soon as the two differ: refresh the copy with `cp`, never edit it.
 */
const projectCopy = fileURLToPath(new URL("../../test/fixtures/replies.tsv", import.meta.url));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
const shared = path.resolve(repoRoot, "../shared/fixtures/replies.tsv");
const sharedExists = existsSync(shared);

describe("test/fixtures/replies.tsv", () => {
  it("exists in the project", () => {
    expect(existsSync(projectCopy)).toBe(true);
  });

  it.skipIf(!sharedExists)(
    sharedExists
      ? `is byte for byte the shared ${shared}`
      : `is byte for byte the shared corpus — SKIPPED: ${shared} not found (a clone without the shared folder)`,
    () => {
      const copy = readFileSync(projectCopy);
      const original = readFileSync(shared);
      if (!copy.equals(original)) {
        expect.fail(
          `test/fixtures/replies.tsv differs from ${shared}; refresh it with: cp ${shared} ${projectCopy}\n` +
            firstDifference(original.toString("utf8"), copy.toString("utf8")),
        );
      }
    },
  );
});

function firstDifference(original: string, copy: string): string {
  const a = original.split("\n");
  const b = copy.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `first difference at line ${i + 1}: shared ${JSON.stringify(a[i])}, copy ${JSON.stringify(b[i])}`;
  }
  return "the files differ in bytes only (encoding or line endings)";
}
