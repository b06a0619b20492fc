// The web side (POST /webhooks/stripe on a real node:http server) and the worker side (the billing
// handlers, fed from the outbox the way the relay feeds them) over one test database.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import type { StreamEntry } from "@rm/streams";
import { createBillingHandlers } from "../src/handlers.ts";
import { createStripeWebhookHandler } from "../src/webhook.ts";
import { setupHarness, type BillingHarness } from "./fixtures.ts";
import { OLD_SECRET, PRICES, SECRET, sign } from "./stripe-events.ts";

export interface WebhookHarness extends BillingHarness {
  url: string;
  post(event: Record<string, unknown>, opts?: { secret?: string; header?: string; timestamp?: number }): Promise<{ status: number; body: string }>;
  /** Runs every due billing outbox row through the worker's handlers (as relay + worker would); returns how many ran. */
  work(): Promise<number>;
  /** Delivers a signed event and lets the worker apply it. */
  deliver(event: Record<string, unknown>): Promise<void>;
}

export async function setupWebhookHarness(start?: string): Promise<WebhookHarness> {
  const h = await setupHarness(start);
  const pool = new pg.Pool({ connectionString: h.db.url, max: 4 });
  const handler = createStripeWebhookHandler({ pool, secrets: [SECRET, OLD_SECRET], clock: h.clock, logger: h.logger });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  const handlers = createBillingHandlers({ orm: h.orm, clock: h.clock, prices: PRICES, logger: h.logger });

  const post: WebhookHarness["post"] = async (event, opts = {}) => {
    const body = JSON.stringify(event);
    const header = opts.header ?? sign(body, opts.secret ?? SECRET, opts.timestamp);
    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "stripe-signature": header } });
    return { status: res.status, body: await res.text() };
  };

  const work = async () => {
    let ran = 0;
    for (;;) {
      const em = h.orm.em.fork();
      const rows = await em.execute<{ id: string; type: string; workspace_id: string | null; payload: unknown }[]>(
        "update outbox set status = 'published', published_at = now(), publish_count = publish_count + 1 where id in (select id from outbox where stream = 'billing' and status = 'pending' and available_at <= ? order by id) returning id::text as id, type, workspace_id, payload",
        [h.clock.now()],
      );
      if (rows.length === 0) return ran;
      for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
        const entry: StreamEntry = { outboxId: row.id, type: row.type, workspaceId: row.workspace_id, payload: JSON.stringify(row.payload), traceparent: "" };
        const fn = handlers[row.type];
        if (!fn) throw new Error(`no handler for ${row.type}`);
        await fn(entry);
        // A duplicate stream delivery of the same entry must be a no-op.
        await fn(entry);
        ran++;
      }
    }
  };

  return {
    ...h,
    url,
    post,
    work,
    async deliver(event) {
      const res = await post(event);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
      await work();
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await pool.end();
      await h.close();
    },
  };
}
