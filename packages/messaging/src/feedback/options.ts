// Settings of the feedback flow that come from the process environment (links, test overrides).
// Per-practice settings (review policy, reminder delay, senders) live on the workspace row.
import type { PlatformContentSids } from "@rm/domain";

export interface FeedbackOptions {
  /** Base of the public links (PUBLIC_URL): /q, /r and /f pages. */
  publicUrl: string;
  /**
   * Overrides the workspace's reminderAfterHours (tests and demos only; production leaves it unset).
   */
  reminderDelayMs?: number | undefined;
  /** Whether an SMS sender exists without a workspace one (TWILIO_FROM_SMS or a messaging service). */
  platformSmsSender?: boolean;
  /** The platform's WhatsApp templates (WHATSAPP_DEFAULT_CONTENT_SIDS) for workspaces without their own. */
  platformContentSids?: PlatformContentSids | undefined;
}

export const DEFAULT_REPLY_WINDOW_DAYS = 7;

export function ratingLink(publicUrl: string, token: string): string {
  return `${publicUrl}/q/${token}`;
}
export function reviewLink(publicUrl: string, token: string): string {
  return `${publicUrl}/r/${token}`;
}
export function feedbackLink(publicUrl: string, token: string): string {
  return `${publicUrl}/f/${token}`;
}
