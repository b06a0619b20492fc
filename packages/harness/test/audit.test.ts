import { describe, expect, it } from "vitest";
import { AuditUnavailableError, judgeAudit, parseAllowlist, parsePnpmAudit, type AllowlistEntry } from "../src/audit.ts";

// The shape `pnpm audit --json` prints (npm's v6 audit format), trimmed to the fields read.
const output = JSON.stringify({
  advisories: {
    "1101163": {
      id: 1101163,
      github_advisory_id: "GHSA-aaaa-bbbb-cccc",
      module_name: "cookie",
      severity: "low",
      title: "cookie accepts out of bounds characters",
      url: "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
      vulnerable_versions: "<0.7.0",
      findings: [{ version: "0.6.0", paths: ["apps__web>@remix-run/node>cookie"] }],
    },
    "1102000": {
      id: 1102000,
      github_advisory_id: "GHSA-dddd-eeee-ffff",
      module_name: "esbuild",
      severity: "moderate",
      title: "dev server answers any origin",
      url: "https://github.com/advisories/GHSA-dddd-eeee-ffff",
      vulnerable_versions: "<=0.24.2",
      findings: [{ version: "0.21.5", paths: ["apps__web>vite>esbuild"] }],
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 1, moderate: 1, high: 0, critical: 0 } },
});

const explained: AllowlistEntry = {
  id: "GHSA-dddd-eeee-ffff",
  package: "esbuild",
  reason: "Only the development server is affected; production serves the built bundle with sirv.",
  expires: "2027-01-31",
};

describe("npm run audit", () => {
  it("fails on a finding nobody explained and passes the explained one", () => {
    const v = judgeAudit(parsePnpmAudit(output), [explained], "2026-11-23");
    expect(v.failing.map((f) => f.id)).toEqual(["GHSA-aaaa-bbbb-cccc"]);
    expect(v.failing[0]!.paths).toEqual(["apps__web>@remix-run/node>cookie"]);
    expect(v.allowed.map((a) => a.finding.id)).toEqual(["GHSA-dddd-eeee-ffff"]);
  });

  it("an expired explanation no longer counts; an unused one is reported", () => {
    const v = judgeAudit(parsePnpmAudit(output), [{ ...explained, expires: "2026-11-01" }, { ...explained, id: "GHSA-old", package: "left-pad" }], "2026-11-23");
    expect(v.failing.map((f) => f.id).sort()).toEqual(["GHSA-aaaa-bbbb-cccc", "GHSA-dddd-eeee-ffff"]);
    expect(v.expired.map((e) => e.expires)).toEqual(["2026-11-01"]);
    expect(v.unused.map((e) => e.id)).toEqual(["GHSA-old"]);
  });

  it("a finding below the chosen level is noted, not failed", () => {
    const v = judgeAudit(parsePnpmAudit(output), [], "2026-11-23", "moderate");
    expect(v.failing.map((f) => f.package)).toEqual(["esbuild"]);
    expect(v.ignored.map((f) => f.package)).toEqual(["cookie"]);
  });

  it("says the audit could not run instead of passing when the registry does not answer", () => {
    const failed = JSON.stringify({ error: { code: "ERR_PNPM_AUDIT_BAD_RESPONSE", message: "The audit endpoint responded with 405" } });
    expect(() => parsePnpmAudit(failed)).toThrow(AuditUnavailableError);
    expect(() => parsePnpmAudit("not json")).toThrow(AuditUnavailableError);
  });

  it("rejects allowlist entries without an explanation or a review date", () => {
    expect(parseAllowlist({ entries: [explained] })).toEqual([explained]);
    expect(() => parseAllowlist({ entries: [{ ...explained, reason: "n/a" }] })).toThrow(/explain/);
    expect(() => parseAllowlist({ entries: [{ ...explained, expires: "soon" }] })).toThrow(/YYYY-MM-DD/);
    expect(() => parseAllowlist([])).toThrow(/entries/);
  });
});
