import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactErrorText } from "../src/index.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger("test", "info", stream) };
}

describe("logs never carry patient data from database errors", () => {
  it("redacts literals, key details, e-mails and phone numbers but keeps the error's shape", async () => {
    const { lines, logger } = capture();
    const err = Object.assign(
      new Error(`insert into "users" ("email", "name") values ('ana@example.ec', 'Ana Torres') - duplicate key value violates unique constraint "users_email_unique" Key (email)=(ana@example.ec) already exists.`),
      { code: "23505" },
    );
    logger.error({ err }, "could not save");
    logger.warn({ err: "contact +593 98 765 4321 not found for whatsapp:+593987654321" }, "routing");
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines);
    expect(text).not.toContain("ana@example.ec");
    expect(text).not.toContain("Ana Torres");
    expect(text).not.toContain("987654321");
    expect(text).not.toContain("765 4321");
    expect(lines[0]!.err).toMatchObject({ type: "Error", code: "23505" });
    expect(String((lines[0]!.err as { message: string }).message)).toContain('violates unique constraint "users_email_unique" Key (email)=(?)');
  });

  it("redacts the free-text fields that carry an error's words: reason, lastError, error", async () => {
    const { lines, logger } = capture();
    logger.error({ reason: "no route to +593987654321", lastError: "ana@example.ec bounced", error: "call 0987654321" }, "dead letter");
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ reason: "no route to <phone>", lastError: "<email> bounced", error: "call <phone>" });
  });

  it("leaves ids and ordinary words alone", () => {
    expect(redactErrorText("message 6c1f0a4e-2b7d-4c5e-9f3a-1d2e3f4a5b6c not found (outbox 42)")).toBe("message 6c1f0a4e-2b7d-4c5e-9f3a-1d2e3f4a5b6c not found (outbox 42)");
  });
});
