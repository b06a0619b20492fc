// Provider credentials at rest (SPEC §12): the AES-256-GCM cipher with its key ring, and the
// `npm run credentials:rotate` command run as the operator would.
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialsCipher, credentialsCipherFromEnv, ownAccountCredentials } from "../src/index.ts";

const SCRIPT = fileURLToPath(new URL("../src/bin/rotate-credentials.ts", import.meta.url));
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (...keys: [string, Buffer][]) => keys.map(([id, k]) => `${id}:${k.toString("base64")}`).join(",");

describe("the credentials cipher", () => {
  const cipher = new CredentialsCipher(new Map([["k1", k1]]), "k1");

  it("seals with a fresh IV each time and opens only in the same context", () => {
    const a = cipher.seal("secret-token", "ctx:A");
    const b = cipher.seal("secret-token", "ctx:A");
    expect(a.keyId).toBe("k1");
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("secret-token");
    expect(cipher.open(a, "ctx:A")).toBe("secret-token");
    // Copied into another row (another account): refused.
    expect(() => cipher.open(a, "ctx:B")).toThrow();
  });

  it("refuses an altered ciphertext and a key that is not in the ring", () => {
    const sealed = cipher.seal("secret-token", "ctx");
    const raw = Buffer.from(sealed.ciphertext, "base64url");
    raw[15] = raw[15]! ^ 1;
    expect(() => cipher.open({ keyId: "k1", ciphertext: raw.toString("base64url") }, "ctx")).toThrow();
    expect(() => cipher.open({ keyId: "k9", ciphertext: sealed.ciphertext }, "ctx")).toThrow(/k9/);
  });

  it("reads its key ring from the environment and names what is wrong without echoing a key", () => {
    expect(credentialsCipherFromEnv(ring(["k2", k2], ["k1", k1]), "k2").currentKeyId).toBe("k2");
    expect(() => credentialsCipherFromEnv(ring(["k1", k1]), "k2")).toThrow(/current credentials key id "k2"/);
    expect(() => credentialsCipherFromEnv("k1:c2hvcnQ=", "k1")).toThrow(/32 bytes/);
    let message = "";
    try {
      credentialsCipherFromEnv(`k1:${k1.toString("base64")},k1:${k2.toString("base64")}`, "k1");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/twice/);
    expect(message).not.toContain(k1.toString("base64"));
  });
});

describe("npm run credentials:rotate", () => {
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

  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, DATABASE_URL: db.url, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("re-seals every row under the current key, prints counts and never a secret", { timeout: 60_000 }, async () => {
    const old = new CredentialsCipher(new Map([["k1", k1]]), "k1");
    const em = orm.em.fork();
    const tokens = ["a".repeat(32), "b".repeat(32)];
    for (const [i, token] of tokens.entries()) {
      const sid = `AC${String(i).repeat(32)}`;
      const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name) values (?) returning id", [`Rotación ${i}`]);
      const sealed = old.seal(token, `twilio_accounts.token:${sid}`);
      await em.execute("insert into twilio_accounts (workspace_id, account_sid, kind, token_ciphertext, token_key_id, token_last4) values (?, ?, 'OWN', ?, ?, ?)", [
        ws!.id,
        sid,
        sealed.ciphertext,
        sealed.keyId,
        token.slice(-4),
      ]);
    }
    const result = await run({ CREDENTIALS_ENCRYPTION_KEYS: ring(["k2", k2], ["k1", k1]), CREDENTIALS_ENCRYPTION_KEY_ID: "k2" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Re-encrypted 2 credential row(s) with key "k2"');
    for (const t of tokens) expect(result.stdout + result.stderr).not.toContain(t);
    const keys = await orm.em.fork().execute<{ token_key_id: string }[]>("select token_key_id from twilio_accounts");
    expect(keys.map((k) => k.token_key_id)).toEqual(["k2", "k2"]);
    // The old key can go: the new one alone opens every token.
    const onlyNew = new CredentialsCipher(new Map([["k2", k2]]), "k2");
    const pool = { query: async (sql: string, params: unknown[]) => ({ rows: await orm.em.fork().getConnection().execute(sql.replace("$1", "?"), params) }) };
    expect((await ownAccountCredentials(pool, onlyNew, `AC${"0".repeat(32)}`, new Date()))!.authTokens).toEqual([tokens[0]]);
    // Again: nothing left to do. Without the key ring: a clear refusal.
    expect((await run({ CREDENTIALS_ENCRYPTION_KEYS: ring(["k2", k2], ["k1", k1]), CREDENTIALS_ENCRYPTION_KEY_ID: "k2" })).stdout).toContain("Re-encrypted 0");
    const missing = await run({ CREDENTIALS_ENCRYPTION_KEYS: "", CREDENTIALS_ENCRYPTION_KEY_ID: "" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("CREDENTIALS_ENCRYPTION_KEYS");
  });
});
