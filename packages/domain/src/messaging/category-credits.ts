import type { Channel } from "./channel.ts";
import { countSegments } from "./segments.ts";

/** WhatsApp's pricing categories of a template (Meta prices MARKETING above UTILITY). */
export const TEMPLATE_CATEGORIES = ["MARKETING", "UTILITY"] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Credits per WhatsApp message by category (CREDITS_PER_MARKETING_MESSAGE / CREDITS_PER_UTILITY_MESSAGE). */
export type CategoryCredits = Readonly<Record<TemplateCategory, number>>;
export const DEFAULT_CATEGORY_CREDITS: CategoryCredits = { MARKETING: 2, UTILITY: 1 };

/**
 * Credits one broadcast message costs: an SMS one per segment of its rendered text, whatever the
 * category (carriers do not price by it); a WhatsApp message its category's configured credits.
 */
export function categoryMessageCredits(channel: Channel, renderedText: string, category: TemplateCategory, rates: CategoryCredits = DEFAULT_CATEGORY_CREDITS): number {
  if (channel === "WHATSAPP") return rates[category];
  return countSegments(renderedText).segments;
}
