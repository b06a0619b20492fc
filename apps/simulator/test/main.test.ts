// The entry point: one clear line and exit 1 on bad configuration; serves /healthz when good.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
const SID = "AC" + "5a".repeat(16);

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function run(env: Record<string, string>, onStdout?: (line: string, kill: () => void) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.on("data", (c: Buffer) => {
      for (const line of c.toString().split("\n").filter(Boolean)) onStdout?.(line, () => child.kill("SIGTERM"));
    });
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("main.ts", () => {
  it("exits 1 with one line naming the bad variable", async () => {
    const { code, stderr } = await run({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "t", SIMULATOR_FAILURE_SHARE: "2" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^configuration error: SIMULATOR_FAILURE_SHARE is invalid/);
  }, 20_000);

  it("listens and answers /healthz, then stops on SIGTERM", async () => {
    let health = 0;
    const { code } = await run({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "t", SIMULATOR_PORT: "0", SIMULATOR_HOST: "127.0.0.1", LOG_LEVEL: "info" }, (line, kill) => {
      const entry = JSON.parse(line) as { url?: string };
      if (!entry.url) return;
      void fetch(entry.url + "/healthz").then((res) => {
        health = res.status;
        kill();
      });
    });
    expect(health).toBe(200);
    expect(code).toBe(0);
  }, 20_000);

  it("serves the fake chat-completions endpoint under /v1 with the configured latency (AI_BASE_URL of npm start)", async () => {
    let answer: { status: number; body: { object?: string; choices?: { message: { content: string } }[] }; ms: number } | null = null;
    await run({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "t", SIMULATOR_PORT: "0", SIMULATOR_HOST: "127.0.0.1", LOG_LEVEL: "info", SIMULATOR_AI_LATENCY_MS: "300" }, (line, kill) => {
      const entry = JSON.parse(line) as { url?: string };
      if (!entry.url) return;
      const started = Date.now();
      void fetch(`${entry.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "sim-model", messages: [{ role: "user", content: "Hola" }] }) })
        .then(async (res) => (answer = { status: res.status, body: (await res.json()) as NonNullable<typeof answer>["body"], ms: Date.now() - started }))
        .finally(kill);
    });
    expect(answer).toMatchObject({ status: 200, body: { object: "chat.completion", choices: [{ message: { content: expect.stringMatching(/^Respuesta simulada [0-9a-f]{8}\.$/) } }] } });
    expect(answer!.ms).toBeGreaterThanOrEqual(300);
  }, 20_000);
});
