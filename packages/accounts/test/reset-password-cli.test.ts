// `npm run user:reset-password`: the command-line reset for owners, run as the operator would.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm, User, verifyPassword } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../src/index.ts";

const SCRIPT = fileURLToPath(new URL("../src/bin/reset-password.ts", import.meta.url));

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

function run(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { ...process.env, DATABASE_URL: db.url }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.stdin.end(stdin);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("user:reset-password", () => {
  it("sets a generated password for an owner (shown once) or one read from stdin; refuses non-owners", { timeout: 60_000 }, async () => {
    const owner = await signUp(orm.em.fork(), { workspaceName: "Clínica CLI", name: "Dueña", email: "cli.owner@example.ec", password: "clave-original-1" }, {
      startPlan: (em, workspaceId) => grantCredits(em, { workspaceId, amount: 50, reference: "free:signup" }),
    });
    const generated = await run(["--email", "CLI.Owner@example.ec"]);
    expect(generated.code, generated.stderr).toBe(0);
    const password = /New password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();
    const fetchUser = () => orm.em.fork().findOneOrFail(User, { id: owner.userId }, { filters: false });
    expect(await verifyPassword((await fetchUser()).passwordHash, password!)).toBe(true);

    const piped = await run(["--email", "cli.owner@example.ec", "--password-stdin"], "desde-stdin-123\n");
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).not.toContain("desde-stdin-123");
    const user = await fetchUser();
    expect(await verifyPassword(user.passwordHash, "desde-stdin-123")).toBe(true);
    expect(user.sessionVersion).toBe(2);

    const short = await run(["--email", "cli.owner@example.ec", "--password-stdin"], "corta\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("al menos 10 caracteres");
    const unknown = await run(["--email", "nadie@example.ec"]);
    expect(unknown.code).toBe(1);
    expect((await run([])).code).toBe(2);
  });
});
