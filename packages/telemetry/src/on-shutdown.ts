import type { Logger } from "./logger.ts";

export interface ShutdownHandler {
  /** Shows up in the logs, e.g. "redis" or "telemetry". */
  name: string;
  close: () => Promise<void> | void;
}

export interface ShutdownOptions {
  /** Whole-shutdown deadline; keep it below the pod's terminationGracePeriodSeconds. Default 10 s. */
  deadlineMs?: number;
  signals?: NodeJS.Signals[];
  /**
   * A repeat signal this soon after the first is a duplicate delivery, not an impatient operator:
   * `timeout`, npm/pnpm wrappers and a terminal's Ctrl-C can signal both the process group and the
   * child. Default 1 s.
   */
  duplicateSignalMs?: number;
  /** Injectable for tests. */
  exit?: (code: number) => void;
  processLike?: Pick<NodeJS.EventEmitter, "on" | "off">;
}

/**
 * On the first SIGTERM/SIGINT runs `handlers` once, in order (stop taking work before closing what
 * that work uses), then exits 0. A failing handler is logged and the rest still run. A second signal
 * (after `duplicateSignalMs`) or an overrun deadline exits 1 at once. Returns a function that starts the same shutdown by hand
 * (e.g. on a fatal error).
 */
export function onShutdown(logger: Logger, handlers: ShutdownHandler[], options: ShutdownOptions = {}): (reason: string) => Promise<void> {
  const { deadlineMs = 10_000, signals = ["SIGTERM", "SIGINT"], exit = (code: number) => process.exit(code), processLike = process, duplicateSignalMs = 1_000 } = options;
  let running: Promise<void> | undefined;
  let firstSignalAt = 0; // when shutdown began

  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    const started = (firstSignalAt = Date.now());
    logger.info({ reason, deadlineMs }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ reason, deadlineMs }, "shutdown deadline exceeded; exiting");
      exit(1);
    }, deadlineMs);
    running = (async () => {
      for (const handler of handlers) {
        try {
          await handler.close();
          logger.debug({ handler: handler.name }, "closed");
        } catch (err) {
          logger.error({ err, handler: handler.name }, "shutdown handler failed");
        }
      }
      clearTimeout(deadline);
      for (const signal of signals) processLike.off(signal, onSignal);
      logger.info({ reason, ms: Date.now() - started }, "shutdown complete");
      exit(0);
    })();
    return running;
  };

  function onSignal(signal: NodeJS.Signals): void {
    if (running && Date.now() - firstSignalAt < duplicateSignalMs) {
      logger.debug({ signal }, "duplicate signal ignored");
      return;
    }
    if (running) {
      logger.warn({ signal }, "second signal during shutdown; exiting now");
      exit(1);
      return;
    }
    void shutdown(signal);
  }

  for (const signal of signals) processLike.on(signal, onSignal);
  return shutdown;
}
