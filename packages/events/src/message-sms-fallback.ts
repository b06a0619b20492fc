// The SMS fallback of a WhatsApp message (SPEC §12): the WhatsApp attempt failed by status callback
// because the number has no WhatsApp or the template is not usable (63003, 63016, 63024), so the same
// message row goes out once more, by SMS. It is a `message.send` row — the send protocol sends it like
// any message (eligibility, opt-out, rate limit, credits; decisions 004, 007) — with a key of its own:
// the first send's row (`message.send:<id>`) is done, and the fallback is a second piece of work on
// the same message, at most one however many failed callbacks or redeliveries there are.
import { defineEvent } from "./define-event.ts";
import { messageSendEvent } from "./message-send.ts";

const PREFIX = "message.sms-fallback:";

export const messageSmsFallbackEvent = defineEvent({
  stream: messageSendEvent.stream,
  type: messageSendEvent.type,
  payload: messageSendEvent.payload,
  /** One fallback per message. */
  key: (messageId: string) => `${PREFIX}${messageId}`,
});
