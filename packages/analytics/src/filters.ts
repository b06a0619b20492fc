import { z } from "zod";

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "not a calendar date");

/**
 * Dashboard filters. Dates are calendar days in the workspace time zone, both inclusive: a request
 * counts in the range when its INITIAL message was handed to the provider on one of those days.
 */
export const DashboardFiltersSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    practiceId: z.uuid().optional(),
    /** The appointment's doctor (patients.doctor_id, SPEC §5.1; a DOCTOR user sees only their own appointments: pass their id). */
    doctorId: z.uuid().optional(),
    campaignId: z.uuid().optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "`from` is after `to`", path: ["from"] });

export type DashboardFilters = z.infer<typeof DashboardFiltersSchema>;

export class AnalyticsFilterError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(`invalid analytics filters: ${issues.map((i) => `${i.path || "(filters)"}: ${i.message}`).join("; ")}`);
    this.name = "AnalyticsFilterError";
    this.issues = issues;
  }
}

/** Validates raw filters (e.g. from a URL's search params; empty strings mean "no filter"). */
export function parseDashboardFilters(input: unknown): DashboardFilters {
  const raw = input && typeof input === "object" ? Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "" && v !== null && v !== undefined)) : input;
  const parsed = DashboardFiltersSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AnalyticsFilterError(parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  return parsed.data;
}

/**
 * The doctor filter's choices: the workspace's doctors, then the appointments' doctors with figures in the
 * dashboard who are not DOCTOR users (an owner, a former doctor), so every row of the per-doctor table
 * can be picked.
 */
export function doctorFilterChoices(listed: readonly { id: string; name: string }[], byDoctor: readonly { doctorId: string | null; name: string | null }[]): { id: string; name: string }[] {
  const known = new Set(listed.map((d) => d.id));
  const choices = [...listed];
  for (const d of byDoctor) if (d.doctorId && d.name && !known.has(d.doctorId)) choices.push({ id: d.doctorId, name: d.name });
  return choices;
}
