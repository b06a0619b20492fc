// Filters from a page's search params. Unknown or malformed values are dropped (a stale bookmark
// shows everything rather than an error), and the text search is trimmed and bounded.
export const CAMPAIGN_STATUSES = ["DRAFT", "ACTIVE", "COMPLETED", "CANCELLED"] as const;
export const CAMPAIGN_KINDS = ["FEEDBACK", "BROADCAST"] as const;
/** Why a contact of a broadcast's audience gets no message (SPEC §14), in the order pages list them. */
export const BROADCAST_EXCLUSIONS = ["OPTED_OUT", "ERASED", "NO_MARKETING_CONSENT", "FREQUENCY_CAP", "COUNTRY_NOT_ALLOWED"] as const;
export type CampaignStatusFilter = (typeof CAMPAIGN_STATUSES)[number];

/** Patient filters of the campaign page (SPEC §5.10). */
export const PATIENT_FILTERS = ["pending", "sent", "delivered", "rated", "unhappy", "failed", "opted_out", "skipped"] as const;
export type PatientFilter = (typeof PATIENT_FILTERS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SEARCH_MAX_LENGTH = 100;

export interface CampaignListFilters {
  status?: CampaignStatusFilter | undefined;
  kind?: (typeof CAMPAIGN_KINDS)[number] | undefined;
  practiceId?: string | undefined;
  cursor?: string | undefined;
}

export interface PatientListFilters {
  status?: PatientFilter | undefined;
  /** Only this doctor's appointments (a doctor's own view, `appointmentScope`); never read from the URL. */
  doctorId?: string | null | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
}

type Params = URLSearchParams | Record<string, string | null | undefined>;

function read(params: Params, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function parseCampaignListFilters(params: Params): CampaignListFilters {
  const status = read(params, "status")?.toUpperCase();
  const kind = read(params, "kind")?.toUpperCase();
  const practiceId = read(params, "practice");
  return {
    kind: (CAMPAIGN_KINDS as readonly string[]).includes(kind ?? "") ? (kind as (typeof CAMPAIGN_KINDS)[number]) : undefined,
    status: (CAMPAIGN_STATUSES as readonly string[]).includes(status ?? "") ? (status as CampaignStatusFilter) : undefined,
    practiceId: practiceId && UUID.test(practiceId) ? practiceId : undefined,
    cursor: read(params, "cursor"),
  };
}

export function parsePatientListFilters(params: Params): PatientListFilters {
  const status = read(params, "status")?.toLowerCase();
  const q = read(params, "q")?.slice(0, SEARCH_MAX_LENGTH);
  return {
    status: (PATIENT_FILTERS as readonly string[]).includes(status ?? "") ? (status as PatientFilter) : undefined,
    q,
    cursor: read(params, "cursor"),
  };
}

/** `%`, `_` and `\` matched literally in an ILIKE pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}
