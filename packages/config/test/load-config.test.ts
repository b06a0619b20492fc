import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, relayEnv, webEnv } from "../src/index.ts";

const good = {
  DATABASE_URL: "postgres://u@127.0.0.1:5432/db",
  REDIS_URL: "redis://127.0.0.1:6379",
  PUBLIC_URL: "https://rm.example.com/",
  SESSION_SECRET: "0123456789abcdef0123",
  TWILIO_AUTH_TOKEN: "tok1,tok2",
};

describe("worker timing invariant", () => {
  const worker = { ...good, TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000" };
  it("refuses a claim idle time that a live provider call could outlast", async () => {
    const { workerEnv } = await import("../src/index.ts");
    expect(() => parseConfig(workerEnv, { ...worker, TWILIO_TIMEOUT_MS: "10000", STREAM_CLAIM_IDLE_MS: "12000" })).toThrowError(/^STREAM_CLAIM_IDLE_MS is invalid: must be at least 1.5 × TWILIO_TIMEOUT_MS/);
    expect(parseConfig(workerEnv, { ...worker, TWILIO_TIMEOUT_MS: "5000", STREAM_CLAIM_IDLE_MS: "15000" }).STREAM_CLAIM_IDLE_MS).toBe(15000);
  });

  it("retries sends the provider never received for 6 hours by default, 15 s doubling up to 10 min apart", async () => {
    const { workerEnv } = await import("../src/index.ts");
    expect(parseConfig(workerEnv, worker)).toMatchObject({ SEND_RETRY_MAX_HOURS: 6, SEND_RETRY_FIRST_DELAY_SECONDS: 15, SEND_RETRY_MAX_DELAY_SECONDS: 600 });
    expect(parseConfig(workerEnv, { ...worker, SEND_RETRY_MAX_HOURS: "1.5" }).SEND_RETRY_MAX_HOURS).toBe(1.5);
    expect(() => parseConfig(workerEnv, { ...worker, SEND_RETRY_MAX_HOURS: "0" })).toThrowError(/^SEND_RETRY_MAX_HOURS is invalid/);
    expect(() => parseConfig(workerEnv, { ...worker, SEND_RETRY_MAX_HOURS: "six" })).toThrowError(/^SEND_RETRY_MAX_HOURS is invalid/);
    expect(parseConfig(workerEnv, worker)).toMatchObject({ STATUS_APPLY_BATCH_SIZE: 1000, STATUS_APPLY_POLL_MS: 1000, STATUS_UNKNOWN_RETRY_MINUTES: 10 });
    expect(() => parseConfig(workerEnv, { ...worker, STATUS_APPLY_BATCH_SIZE: "0" })).toThrowError(/^STATUS_APPLY_BATCH_SIZE is invalid/);
    expect(() => parseConfig(workerEnv, { ...worker, STATUS_UNKNOWN_RETRY_MINUTES: "ten" })).toThrowError(/^STATUS_UNKNOWN_RETRY_MINUTES is invalid/);
    expect(() => parseConfig(workerEnv, { ...worker, SEND_RETRY_FIRST_DELAY_SECONDS: "120", SEND_RETRY_MAX_DELAY_SECONDS: "60" })).toThrowError(/^SEND_RETRY_MAX_DELAY_SECONDS is invalid: must be at least SEND_RETRY_FIRST_DELAY_SECONDS/);
  });
});

describe("web security settings", () => {
  it("never lets webhooks reach http or private addresses in production, and limits each API key to 600 requests a minute by default", async () => {
    const { workerEnv } = await import("../src/index.ts");
    const worker = { ...good, TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000" };
    expect(parseConfig(webEnv, good)).toMatchObject({ WEBHOOKS_ALLOW_INSECURE: false, API_RATE_LIMIT_PER_MINUTE: 600 });
    expect(parseConfig(webEnv, { ...good, NODE_ENV: "development", WEBHOOKS_ALLOW_INSECURE: "true" }).WEBHOOKS_ALLOW_INSECURE).toBe(true);
    expect(() => parseConfig(webEnv, { ...good, NODE_ENV: "production", WEBHOOKS_ALLOW_INSECURE: "true" })).toThrowError(/^WEBHOOKS_ALLOW_INSECURE is invalid: must not be true in production/);
    expect(() => parseConfig(workerEnv, { ...worker, NODE_ENV: "production", WEBHOOKS_ALLOW_INSECURE: "true" })).toThrowError(/^WEBHOOKS_ALLOW_INSECURE is invalid/);
    expect(parseConfig(workerEnv, worker)).toMatchObject({ WEBHOOK_MAX_ATTEMPTS: 8, WEBHOOK_DISABLE_AFTER_FAILURES: 5 });
    expect(() => parseConfig(webEnv, { ...good, API_KEY_HASH_SECRET: "short" })).toThrowError(/^API_KEY_HASH_SECRET is invalid/);
  });

  it("takes trusted proxies as addresses or CIDR ranges (none by default) and a 64 KiB body limit", () => {
    expect(parseConfig(webEnv, good)).toMatchObject({ TRUSTED_PROXIES: [], REQUEST_BODY_LIMIT_BYTES: 65536 });
    expect(parseConfig(webEnv, { ...good, TRUSTED_PROXIES: " 10.0.0.0/8, fd00::/8,192.168.1.7 ,loopback" }).TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "fd00::/8", "192.168.1.7", "loopback"]);
    expect(() => parseConfig(webEnv, { ...good, TRUSTED_PROXIES: "10.0.0.0/33" })).toThrowError(/^TRUSTED_PROXIES is invalid/);
    expect(() => parseConfig(webEnv, { ...good, TRUSTED_PROXIES: "ingress.local" })).toThrowError(/^TRUSTED_PROXIES is invalid/);
    expect(() => parseConfig(webEnv, { ...good, REQUEST_BODY_LIMIT_BYTES: "10" })).toThrowError(/^REQUEST_BODY_LIMIT_BYTES is invalid/);
  });
});

describe("webhook connection overrides", () => {
  it("default to retries of a 5xx within Twilio's limits, are validated as Twilio validates them, and 'none' hands out bare URLs", async () => {
    const { workerEnv } = await import("../src/index.ts");
    expect(parseConfig(webEnv, good).TWILIO_WEBHOOK_OVERRIDES).toBe("ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx");
    expect(parseConfig(workerEnv, { ...good, TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32), TWILIO_WEBHOOK_OVERRIDES: "#rc=5&rp=all" }).TWILIO_WEBHOOK_OVERRIDES).toBe("rc=5&rp=all");
    expect(parseConfig(webEnv, { ...good, TWILIO_WEBHOOK_OVERRIDES: "none" }).TWILIO_WEBHOOK_OVERRIDES).toBe("");
    expect(() => parseConfig(webEnv, { ...good, TWILIO_WEBHOOK_OVERRIDES: "rc=9" })).toThrowError(/^TWILIO_WEBHOOK_OVERRIDES is invalid: rc: "9" must be a whole number from 0 to 5/);
    expect(() => parseConfig(webEnv, { ...good, TWILIO_WEBHOOK_OVERRIDES: "rp=6xx" })).toThrowError(/TWILIO_WEBHOOK_OVERRIDES is invalid: rp/);
    expect(() => parseConfig(webEnv, { ...good, TWILIO_WEBHOOK_OVERRIDES: "retries=3" })).toThrowError(/not a Twilio connection override/);
  });
});

describe("parseConfig", () => {
  it("applies defaults and transforms", () => {
    const cfg = parseConfig(webEnv, good);
    expect(cfg.PORT).toBe(3000);
    expect(cfg.METRICS_PORT).toBe(9464);
    expect(cfg.PUBLIC_URL).toBe("https://rm.example.com");
    expect(cfg.TWILIO_AUTH_TOKEN).toEqual(["tok1", "tok2"]);
    expect(cfg.SENDING_PAUSED).toBe(false);
  });

  it("names a missing variable in one line", () => {
    const { DATABASE_URL: _omit, ...rest } = good;
    expect(() => parseConfig(webEnv, rest)).toThrowError(ConfigError);
    expect(() => parseConfig(webEnv, rest)).toThrowError(/^DATABASE_URL is missing: expected a postgres:\/\/ connection URL$/);
  });

  it("treats an empty string as missing", () => {
    expect(() => parseConfig(relayEnv, { ...good, REDIS_URL: "" })).toThrowError(/^REDIS_URL is missing/);
  });

  it("names a malformed variable and what is expected", () => {
    expect(() => parseConfig(webEnv, { ...good, REDIS_URL: "localhost:6379" })).toThrowError("REDIS_URL is invalid: expected a redis:// URL");
    expect(() => parseConfig(webEnv, { ...good, PORT: "eighty" })).toThrowError(/^PORT is invalid: expected a port number/);
    expect(() => parseConfig(webEnv, { ...good, SESSION_SECRET: "short" })).toThrowError(/^SESSION_SECRET is invalid: each secret must be at least 16/);
  });
});

describe("WHATSAPP_DEFAULT_CONTENT_SIDS", () => {
  const sid = "HX" + "1".repeat(32);
  it("is parsed per language and type for web and worker; unset means none", async () => {
    const { workerEnv } = await import("../src/index.ts");
    const value = JSON.stringify({ es: { INITIAL: sid, REMINDER: sid }, en: { INITIAL: sid } });
    expect(parseConfig(webEnv, { ...good, WHATSAPP_DEFAULT_CONTENT_SIDS: value }).WHATSAPP_DEFAULT_CONTENT_SIDS).toEqual({ es: { INITIAL: sid, REMINDER: sid }, en: { INITIAL: sid } });
    expect(parseConfig(workerEnv, { ...good, TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000", WHATSAPP_DEFAULT_CONTENT_SIDS: value }).WHATSAPP_DEFAULT_CONTENT_SIDS.en).toEqual({ INITIAL: sid });
    expect(parseConfig(webEnv, good).WHATSAPP_DEFAULT_CONTENT_SIDS).toEqual({});
  });

  it("refuses a bad value at start-up, naming the entry", () => {
    expect(() => parseConfig(webEnv, { ...good, WHATSAPP_DEFAULT_CONTENT_SIDS: "{es" })).toThrowError(/^WHATSAPP_DEFAULT_CONTENT_SIDS is invalid: expected JSON like/);
    expect(() => parseConfig(webEnv, { ...good, WHATSAPP_DEFAULT_CONTENT_SIDS: JSON.stringify({ es: { INITIAL: "HX12" } }) })).toThrowError(
      /^WHATSAPP_DEFAULT_CONTENT_SIDS is invalid: es\.INITIAL: expected a content SID \(HX \+ 32 hex digits\)$/,
    );
  });
});
