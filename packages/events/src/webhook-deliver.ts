// `webhook.deliver` on 'webhooks': one POST of one event to one endpoint; retried with backoff up to
// a cap, and again by hand (replay: a new attempt number, so a new row).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "webhook.deliver:";

export const webhookDeliverEvent = defineEvent({
  stream: "webhooks",
  type: "webhook.deliver",
  payload: z.object({ deliveryId: z.uuid(), manual: z.boolean().optional() }),
  /** The first delivery is round 0; each manual replay is the next round. */
  key: (deliveryId: string, round = 0) => `${PREFIX}${deliveryId}:${round}`,
});
