/**
 * The one meaning of each word about ratings (SPEC §5.8 and §7), used by every page, query and export
 * that shows them: on the 5-point scale promoters are 4–5, passives 3, detractors 1–2; "unhappy" is
 * 1–3, the patients offered the private feedback path first; NPS = (promoters − detractors) / rated
 * × 100; response rate = replied / delivered, where every reply proves its request was delivered.
 * SQL takes its conditions from `ratingSql`, texts their ranges from `bandRange`.
 */

/** An inclusive range of ratings. */
export interface RatingRange {
  readonly min: number;
  readonly max: number;
}

export const RATING_MIN = 1;
export const RATING_MAX = 5;

/** The NPS bands on the 5-point scale (SPEC §7). */
export const NPS_BANDS = {
  promoter: { min: 4, max: 5 },
  passive: { min: 3, max: 3 },
  detractor: { min: 1, max: 2 },
} as const satisfies Record<string, RatingRange>;

export type NpsBand = keyof typeof NPS_BANDS;

/** Every named group of ratings: the NPS bands, and the unhappy patients of the feedback flow (1–3). */
export const RATING_GROUPS = {
  ...NPS_BANDS,
  unhappy: { min: 1, max: 3 },
  /** The patients the follow-up invites to review (4–5): the complement of unhappy. */
  happy: { min: 4, max: 5 },
} as const satisfies Record<string, RatingRange>;

export type RatingGroup = keyof typeof RATING_GROUPS;

/** Whether `rating` is in the group. */
export function inGroup(group: RatingGroup, rating: number): boolean {
  const r = RATING_GROUPS[group];
  return rating >= r.min && rating <= r.max;
}

export const isPromoter = (rating: number): boolean => inGroup("promoter", rating);
export const isDetractor = (rating: number): boolean => inGroup("detractor", rating);
export const isUnhappy = (rating: number): boolean => inGroup("unhappy", rating);

/** The NPS band of a rating (1–5). */
export function npsBand(rating: number): NpsBand {
  if (isPromoter(rating)) return "promoter";
  if (isDetractor(rating)) return "detractor";
  return "passive";
}

/** The group's condition on a rating column, for SQL: `p.rating between 1 and 3`. Numbers only, never input. */
export function ratingSql(group: RatingGroup, column: string): string {
  const r = RATING_GROUPS[group];
  return r.min === r.max ? `${column} = ${r.min}` : `${column} between ${r.min} and ${r.max}`;
}

/** The group's range as people write it: "1–3", "3". */
export function groupRange(group: RatingGroup): string {
  const r = RATING_GROUPS[group];
  return r.min === r.max ? String(r.min) : `${r.min}–${r.max}`;
}

/** numerator / denominator; `rate` is null when the denominator is 0 (nothing to divide). */
export interface Ratio {
  numerator: number;
  denominator: number;
  rate: number | null;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

/**
 * Response rate (SPEC §7): replied / delivered. A patient who replied got the message, so the
 * delivered count is at least the replies: carriers in Ecuador often send no delivery receipt, and a
 * rate above 100 % would say nothing.
 */
export function responseRate(replied: number, delivered: number): Ratio {
  return ratio(replied, Math.max(delivered, replied));
}

/** NPS on the 5-point scale (SPEC §7); `score` from −100 to 100, null with no rating. */
export interface Nps {
  promoters: number;
  passives: number;
  detractors: number;
  rated: number;
  score: number | null;
}

/** NPS from a rating distribution (index 0 holds the count of 1s). */
export function npsOf(distribution: readonly number[]): Nps {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  distribution.forEach((n, i) => {
    const band = npsBand(i + RATING_MIN);
    if (band === "promoter") promoters += n;
    else if (band === "detractor") detractors += n;
    else passives += n;
  });
  const rated = promoters + passives + detractors;
  return { promoters, passives, detractors, rated, score: rated === 0 ? null : ((promoters - detractors) / rated) * 100 };
}
