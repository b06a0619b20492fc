// Calls ensurePeriodicJobs on start-up and then on a timer. Any number of workers may run this: the
// slot keys make the extra calls no-ops. It only repairs a broken chain (e.g. a parked job row).
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Clock } from "@rm/domain";
import type { LogSink } from "@rm/telemetry";
import { ensurePeriodicJobs } from "./periodic-jobs.ts";
import type { PeriodicOptions } from "./periodic-options.ts";

export interface PeriodicEnsurer {
  stop(): void;
}

export async function startPeriodicEnsurer(deps: { orm: MikroORM; clock: Clock; logger: LogSink; periodic?: Partial<PeriodicOptions> }, everyMs = 60_000): Promise<PeriodicEnsurer> {
  const ensure = async () => {
    try {
      await ensurePeriodicJobs(deps.orm.em.fork(), deps.clock.now(), deps.periodic);
    } catch (err) {
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "could not ensure periodic jobs; retrying on the next tick");
    }
  };
  await ensure();
  const timer = setInterval(() => void ensure(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
