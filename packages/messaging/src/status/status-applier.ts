// The worker's status applier loop (decision 011): applies batches of stored status callbacks
// (apply-status-events.ts) while there are any, then sleeps until the webhook's coalesced NOTIFY on
// `provider_status` or the poll interval (events waiting for their message are due again within a
// minute). Any number of workers run one:
// claims skip each other's locked events. A failed batch is retried with half as many events, down
// to one, so an event that cannot be applied holds up only itself (and is parked after
// MAX_ERROR_ATTEMPTS); sizes double back after successes. A woken applier waits GATHER_MS before
// it claims, so under load its batches fill instead of committing a few callbacks each.
import { WakeableLoop } from "@rm/db";
import { getMeter } from "@rm/telemetry";
import type { HandlerDeps } from "../handlers/deps.ts";
import { STATUS_EVENTS_CHANNEL } from "../webhooks/status-event-insert.ts";
import { applyStatusEvents, type ApplyStatusEventsOptions } from "./apply-status-events.ts";

/** How long a woken applier lets callbacks gather before it claims them. */
export const GATHER_MS = 25;

export interface StatusApplierOptions {
  /** Direct connection string for LISTEN (never through a transaction pooler); null = poll only. */
  listenUrl: string | null;
  batchSize: number;
  pollMs: number;
  unknownRetryMs: number;
}

// The oldest due, unapplied event: what the lag gauge reports (events waiting for their message are
// not due and do not count).
const LAG_SQL = `
  select extract(epoch from (?::timestamptz - received_at))::float8 as lag
    from provider_status_events
   where applied_at is null and available_at <= ?
   order by id
   limit 1`;

export class StatusApplier {
  private readonly loop: WakeableLoop;
  private size: number;
  private unregister: (() => void) | null = null;

  private readonly deps: HandlerDeps;
  private readonly o: StatusApplierOptions;

  constructor(deps: HandlerDeps, o: StatusApplierOptions) {
    this.deps = deps;
    this.o = o;
    this.size = o.batchSize;
    this.loop = new WakeableLoop({ listenUrl: o.listenUrl, channel: STATUS_EVENTS_CHANNEL, label: "status applier", logger: deps.logger }, () => this.turn());
  }

  async start(): Promise<void> {
    this.registerLagGauge();
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.unregister?.();
  }

  private async turn(): Promise<void> {
    const batch: ApplyStatusEventsOptions = { limit: this.size, unknownRetryMs: this.o.unknownRetryMs };
    let claimed = 0;
    let waiting = 0;
    try {
      const r = await applyStatusEvents(this.deps, batch);
      claimed = r.claimed;
      waiting = r.waiting;
      this.size = Math.min(this.o.batchSize, this.size * 2);
    } catch (err) {
      this.deps.logger.warn({ err: String(err), events: batch.limit }, "status batch failed; retrying with fewer events");
      this.size = Math.max(1, Math.floor(this.size / 2));
      await this.loop.waker.sleep(Math.min(this.o.pollMs, 200));
      return;
    }
    // A full batch (of events it could apply) means more are probably due: go again at once.
    // Otherwise wait for a wake-up, then a moment more, so the callbacks of the next few webhook
    // commits share one batch instead of a transaction each.
    if (claimed < batch.limit || waiting === claimed) {
      await this.loop.waker.sleep(this.o.pollMs);
      if (this.loop.isRunning) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    }
  }

  private registerLagGauge(): void {
    const meter = getMeter();
    const lag = meter.createObservableGauge("rm.status.apply.lag.seconds", {
      description: "Age of the oldest stored status callback due to be applied (0 when none); every worker reports the same value, aggregate with max()",
      unit: "s",
    });
    const observe = async (result: { observe(value: number): void }) => {
      try {
        const now = this.deps.clock.now();
        const rows = await this.deps.orm.em.fork().getConnection().execute<{ lag: number }[]>(LAG_SQL, [now, now]);
        result.observe(Math.max(0, rows[0]?.lag ?? 0));
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, "status applier lag unavailable");
      }
    };
    lag.addCallback(observe);
    this.unregister = () => lag.removeCallback(observe);
  }
}
