import { createLogger, type Logger } from "@rm/telemetry";
import { singleton } from "./singleton.server.ts";

/** The process logger (JSON lines). Never log bodies, phone numbers, tokens or passwords. */
export const logger: Logger = singleton("web.logger", () => createLogger("web"));
