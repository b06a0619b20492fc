// A loop's sleep that a PostgreSQL NOTIFY cuts short: the relay (channel `outbox`) and the status
// applier (`provider_status`) sleep until work is due or a NOTIFY says new work was committed. The
// LISTEN runs on its own direct connection (a pooler in transaction mode drops LISTEN), is re-made a
// second later when it drops, and meanwhile the loop simply polls. WakeableLoop runs such a loop.
import pg from "pg";

export interface NotifyWakerOptions {
  /** Direct PostgreSQL URL for LISTEN; without one the loop only polls. */
  listenUrl: string | null | undefined;
  channel: string;
  /** Names the loop in log lines ("relay", "status applier"). */
  label: string;
  logger?: { warn(obj: object, msg: string): void } | undefined;
}

export class NotifyWaker {
  private running = false;
  private listener: pg.Client | null = null;
  private wake: (() => void) | null = null;
  private notified = false;

  private readonly o: NotifyWakerOptions;

  constructor(o: NotifyWakerOptions) {
    this.o = o;
    if (!/^[a-z_][a-z0-9_]*$/.test(o.channel)) throw new Error(`not a channel name: ${o.channel}`);
  }

  /** Starts listening (returns once LISTEN is in place, or has failed and will be retried). */
  async start(): Promise<void> {
    this.running = true;
    await this.listen();
  }

  /** Stops listening and ends a sleep in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp();
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => {});
  }

  /** Sleeps until a NOTIFY, wakeUp(), stop(), or `ms`; returns at once if one came since the last sleep. */
  sleep(ms: number): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Ends the current sleep, or the next one before it starts. */
  wakeUp(): void {
    if (this.wake) this.wake();
    else this.notified = true;
  }

  private async listen(): Promise<void> {
    if (!this.o.listenUrl || !this.running) return;
    const client = new pg.Client({ connectionString: this.o.listenUrl });
    client.on("notification", () => this.wakeUp());
    client.on("error", (err) => {
      this.o.logger?.warn({ err: err.message }, `${this.o.label} LISTEN connection lost; polling until it is back`);
      if (this.listener === client) this.listener = null;
      client.end().catch(() => {});
      if (this.running) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.o.channel}`);
      this.listener = client;
    } catch (err) {
      this.o.logger?.warn({ err: String(err) }, `${this.o.label} could not LISTEN; polling only, retrying in 1 s`);
      client.end().catch(() => {});
      if (this.running) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    }
  }
}

/**
 * A background loop on a NotifyWaker (the relay, the status applier): `start` listens, then runs
 * `turn` over and over until `stop`, which ends a sleep in progress, waits for the turn under way
 * and stops listening. Each turn does one batch and sleeps on `waker` as long as it has reason to.
 */
export class WakeableLoop {
  readonly waker: NotifyWaker;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly turn: () => Promise<void>;

  constructor(waker: NotifyWakerOptions, turn: () => Promise<void>) {
    this.waker = new NotifyWaker(waker);
    this.turn = turn;
  }

  /** False once stop() was called: a turn checks it before sleeping again. */
  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.waker.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wakeUp();
    await this.loop;
    await this.waker.stop();
  }

  private async run(): Promise<void> {
    while (this.running) await this.turn();
  }
}
