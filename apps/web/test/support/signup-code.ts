// For web tests that run the web server alone (no relay or worker): delivers the pending sign-up
// codes as the worker would — the send protocol's sendMessage against the provider simulator — and
// answers the code texted to a phone. The sign-up page itself is tested end to end with real
// processes in signup.browser.test.ts.
import { initOrm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { SenderRateLimiter, sendMessage } from "@rm/messaging";
import { createTestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { createSimulator } from "@rm/twilio-simulator";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "signup-code-token";

export async function deliverSignupCode(databaseUrl: string, phone: string): Promise<string> {
  const orm = await initOrm({ databaseUrl, poolMax: 2 });
  const redis = await createTestRedis();
  const sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  const { url } = await sim.listen(0, "127.0.0.1");
  try {
    const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string; payload: unknown }[]>(
      `update outbox o set status = 'published', published_at = now()
        where o.status = 'pending' and o.type = 'message.send'
          and (o.payload->>'messageId')::uuid in (select id from messages where type = 'VERIFICATION' and to_address = ? and status = 'PENDING')
        returning o.id::text as id, o.type, o.workspace_id::text as workspace_id, o.payload`,
      [phone],
    );
    const deps = {
      orm,
      clock: new ManualClock(new Date()),
      logger: { info() {}, warn() {}, error() {} },
      twilio: createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 2000 }),
      rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: redis.prefix, disabled: true }),
      publicUrl: "http://127.0.0.1",
      defaults: { smsFrom: "+15005550006" },
      globalPaused: () => false,
      sdkTimeoutMs: 2000,
    };
    for (const r of rows) await sendMessage(deps, { outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" });
    const sms = sim.state.messages.filter((m) => m.to === phone).at(-1);
    const code = /(\d{6})/.exec(sms?.body ?? "")?.[1];
    if (!code) throw new Error(`no sign-up code was sent to ${phone}`);
    return code;
  } finally {
    await sim.close();
    await redis.cleanup();
    await orm.close(true);
  }
}
