// Dependency audit with an allowlist (SPEC §11): `pnpm audit --json` lists advisories; each one must
// be fixed or explained in audit-allowlist.json (id, package, why it does not apply here, and a date
// after which it must be looked at again). Kept out of `npm test`: advisories appear without any
// change to the code.

export const SEVERITIES = ["info", "low", "moderate", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AllowlistEntry {
  /** GHSA id (preferred) or the registry's advisory number. */
  id: string;
  package: string;
  /** Why the finding does not affect this product (which code path, which mitigation). */
  reason: string;
  /** YYYY-MM-DD: after this day the entry no longer counts and the finding fails again. */
  expires: string;
}

export interface AuditFinding {
  id: string;
  /** The registry's own advisory number, when it has one. */
  advisoryNumber: string | null;
  package: string;
  severity: Severity;
  title: string;
  url: string;
  vulnerableVersions: string;
  /** Dependency paths that reach it (first few). */
  paths: string[];
}

export interface AuditVerdict {
  failing: AuditFinding[];
  allowed: { finding: AuditFinding; entry: AllowlistEntry }[];
  /** Below the level that fails the audit. */
  ignored: AuditFinding[];
  expired: AllowlistEntry[];
  /** Allowlist entries no finding needs any more (remove them). */
  unused: AllowlistEntry[];
}

export class AuditUnavailableError extends Error {}

const isSeverity = (s: unknown): s is Severity => typeof s === "string" && (SEVERITIES as readonly string[]).includes(s);

/** Reads `pnpm audit --json` output (npm's v6 audit format). Throws AuditUnavailableError when pnpm could not ask the registry. */
export function parsePnpmAudit(text: string): AuditFinding[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuditUnavailableError(`pnpm audit printed no JSON: ${text.slice(0, 300)}`);
  }
  const root = json as { error?: { code?: string; message?: string }; advisories?: Record<string, unknown> };
  if (root.error) throw new AuditUnavailableError(`${root.error.code ?? "error"}: ${root.error.message ?? ""}`.trim());
  if (!root.advisories || typeof root.advisories !== "object") throw new AuditUnavailableError("pnpm audit output has no advisories object");
  return Object.values(root.advisories).map((raw) => {
    const a = raw as {
      id?: number | string;
      github_advisory_id?: string;
      module_name?: string;
      severity?: string;
      title?: string;
      url?: string;
      vulnerable_versions?: string;
      findings?: { paths?: string[] }[];
    };
    const number = a.id === undefined ? null : String(a.id);
    return {
      id: a.github_advisory_id ?? number ?? "unknown",
      advisoryNumber: number,
      package: a.module_name ?? "unknown",
      severity: isSeverity(a.severity) ? a.severity : "critical",
      title: a.title ?? "",
      url: a.url ?? "",
      vulnerableVersions: a.vulnerable_versions ?? "",
      paths: (a.findings ?? []).flatMap((f) => f.paths ?? []).slice(0, 5),
    };
  });
}

/** Validates the allowlist file's content; throws with the first problem found. */
export function parseAllowlist(json: unknown): AllowlistEntry[] {
  const entries = (json as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) throw new Error('audit allowlist: expected { "entries": [...] }');
  return entries.map((e: unknown, i: number) => {
    const x = e as Partial<AllowlistEntry>;
    for (const field of ["id", "package", "reason", "expires"] as const) {
      if (typeof x?.[field] !== "string" || !x[field]!.trim()) throw new Error(`audit allowlist entry ${i}: "${field}" is required`);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(x.expires!) || Number.isNaN(Date.parse(x.expires!))) throw new Error(`audit allowlist entry ${i}: "expires" must be YYYY-MM-DD`);
    if (x.reason!.trim().length < 20) throw new Error(`audit allowlist entry ${i} (${x.id}): the reason must explain why the finding does not apply`);
    return x as AllowlistEntry;
  });
}

export function judgeAudit(findings: AuditFinding[], allowlist: AllowlistEntry[], today: string, failAt: Severity = "low"): AuditVerdict {
  const threshold = SEVERITIES.indexOf(failAt);
  const expired = allowlist.filter((e) => e.expires < today);
  const live = allowlist.filter((e) => e.expires >= today);
  const used = new Set<AllowlistEntry>();
  const verdict: AuditVerdict = { failing: [], allowed: [], ignored: [], expired, unused: [] };
  for (const f of findings) {
    const entry = live.find((e) => (e.id === f.id || e.id === f.advisoryNumber) && e.package === f.package);
    if (entry) {
      used.add(entry);
      verdict.allowed.push({ finding: f, entry });
    } else if (SEVERITIES.indexOf(f.severity) < threshold) {
      verdict.ignored.push(f);
    } else {
      verdict.failing.push(f);
    }
  }
  verdict.unused = live.filter((e) => !used.has(e));
  return verdict;
}

export function formatAuditVerdict(v: AuditVerdict): string {
  const lines: string[] = [];
  for (const f of v.failing) lines.push(`FAIL  ${f.severity.padEnd(8)} ${f.package} ${f.id}: ${f.title} (${f.vulnerableVersions}) ${f.url}${f.paths.length ? `\n        via ${f.paths.join(", ")}` : ""}`);
  for (const { finding, entry } of v.allowed) lines.push(`ok    ${finding.severity.padEnd(8)} ${finding.package} ${finding.id}: allowed until ${entry.expires} — ${entry.reason}`);
  for (const f of v.ignored) lines.push(`note  ${f.severity.padEnd(8)} ${f.package} ${f.id}: ${f.title} (below the failing level)`);
  for (const e of v.expired) lines.push(`EXPIRED allowlist entry ${e.package} ${e.id} (expired ${e.expires}): look at it again`);
  for (const e of v.unused) lines.push(`unused allowlist entry ${e.package} ${e.id}: no finding needs it, remove it`);
  lines.push(`${v.failing.length} failing, ${v.allowed.length} allowed, ${v.ignored.length} below level, ${v.expired.length} expired allowlist entries`);
  return lines.join("\n");
}
