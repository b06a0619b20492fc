/**
 * Plans and their monthly credits (SPEC §6): FREE 50, STARTER 500, PROFESSIONAL 2000,
 * ENTERPRISE unlimited. `null` means unlimited so the value stores as SQL NULL, not Infinity.
 */
import type { Channel } from "../messaging/channel.ts";
import { creditsFor } from "../messaging/segments.ts";

export const PLANS = ["FREE", "STARTER", "PROFESSIONAL", "ENTERPRISE"] as const;
export type Plan = (typeof PLANS)[number];

export const FREE_MAX_USERS = 1;

export const PLAN_LIMITS = {
  FREE: { creditsPerPeriod: 50, maxUsers: FREE_MAX_USERS },
  STARTER: { creditsPerPeriod: 500, maxUsers: null },
  PROFESSIONAL: { creditsPerPeriod: 2000, maxUsers: null },
  ENTERPRISE: { creditsPerPeriod: null, maxUsers: null },
} as const satisfies Record<Plan, { creditsPerPeriod: number | null; maxUsers: number | null }>;

export function isPlan(value: unknown): value is Plan {
  return typeof value === "string" && (PLANS as readonly string[]).includes(value);
}

/** Credits granted each period; null = unlimited (never blocked by the balance). */
export function creditsPerPeriod(plan: Plan): number | null {
  return PLAN_LIMITS[plan].creditsPerPeriod;
}

/** Whether a workspace on `plan` with `currentUsers` may add one more user. */
export function canAddUser(plan: Plan, currentUsers: number): boolean {
  const max = PLAN_LIMITS[plan].maxUsers;
  return max === null || currentUsers < max;
}

/**
 * Credits a plan change grants mid-period: only the difference (SPEC §6), never negative (a downgrade
 * takes nothing back). Null when the new plan is unlimited.
 */
export function creditsForPlanChange(from: Plan, to: Plan): number | null {
  const next = creditsPerPeriod(to);
  if (next === null) return null;
  const previous = creditsPerPeriod(from) ?? next;
  return Math.max(0, next - previous);
}

export interface HoldInput {
  channel: Channel;
  /** The rendered INITIAL message for this patient. */
  initialText: string;
  /**
   * The rendered follow-up; the rating (and so happy or unhappy) is not known yet, so pass both and
   * the larger is held.
   */
  followUpText: string | readonly string[];
}

/**
 * Credits to hold for one eligible patient at campaign creation (SPEC §6): the initial message plus
 * one follow-up, in segments; a WhatsApp template message is 1 each. The unused part is released
 * later (skip, cancel, shorter follow-up).
 */
export function creditsToHoldForPatient({ channel, initialText, followUpText }: HoldInput): number {
  const followUps = typeof followUpText === "string" ? [followUpText] : followUpText;
  const followUp = Math.max(0, ...followUps.map((text) => creditsFor(channel, text)));
  return creditsFor(channel, initialText) + followUp;
}
