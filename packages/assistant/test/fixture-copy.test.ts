import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The question corpus and its practice (SPEC §16) are maintained outside the repository, in
 * ../shared/fixtures/ (relative to the repository root); the project keeps verbatim copies in
 * test/fixtures/ so the tests also run on a clone without the shared folder. Same mechanism as the reply
 * corpus's copy test in @rm/domain: this fails as soon as a copy differs; refresh it with `cp`, never edit it.
 */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

for (const name of ["faq-questions.tsv", "faq-knowledge.json"]) {
  const projectCopy = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const shared = path.resolve(repoRoot, `../shared/fixtures/${name}`);
  const sharedExists = existsSync(shared);

  describe(`test/fixtures/${name}`, () => {
    it("exists in the project", () => {
      expect(existsSync(projectCopy)).toBe(true);
    });

    it.skipIf(!sharedExists)(
      sharedExists ? `is byte for byte the shared ${shared}` : `is byte for byte the shared file — SKIPPED: ${shared} not found (a clone without the shared folder)`,
      () => {
        const copy = readFileSync(projectCopy);
        const original = readFileSync(shared);
        if (!copy.equals(original)) {
          expect.fail(`test/fixtures/${name} differs from ${shared}; refresh it with: cp ${shared} ${projectCopy}\n` + firstDifference(original.toString("utf8"), copy.toString("utf8")));
        }
      },
    );
  });
}

function firstDifference(original: string, copy: string): string {
  const a = original.split("\n");
  const b = copy.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `first difference at line ${i + 1}: shared ${JSON.stringify(a[i])}, copy ${JSON.stringify(b[i])}`;
  }
  return "the files differ in bytes only (encoding or line endings)";
}
