export const DEFAULT_CONTACT_COOLDOWN_DAYS = 60;

/**
 * Whether this phone was asked for a rating too recently to ask again (SPEC §5.3, workspace setting,
 * default 60 days). Measured in elapsed 24-hour days, so it does not depend on a time zone.
 * 0 days turns the cooldown off; a contact never asked is never in cooldown.
 */
export function withinCooldown(lastAskedAt: Date | null | undefined, now: Date, cooldownDays: number): boolean {
  if (!lastAskedAt || cooldownDays <= 0) return false;
  return now.getTime() - lastAskedAt.getTime() < cooldownDays * 86_400_000;
}
