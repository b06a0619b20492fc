// `campaign.confirm` on 'dispatch': a large upload's draft confirmed in the background (SPEC §5.1: a
// 50,000-row file must import without timing out). The web writes it with the confirm request; the
// worker activates the draft from the rows kept in campaign_drafts (web and worker share no disk).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "campaign.confirm:";

export const campaignConfirmEvent = defineEvent({
  stream: "dispatch",
  type: "campaign.confirm",
  payload: z.object({ campaignId: z.uuid() }),
  /**
   * One per confirm request of a draft (its request time): a second click while one is queued adds
   * nothing, and a request after a failed one (credits bought meanwhile) is new work.
   */
  key: (campaignId: string, requestedAt: Date) => `${PREFIX}${campaignId}:${requestedAt.toISOString()}`,
});
