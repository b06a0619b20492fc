export interface RecordedLine {
  level: "info" | "warn" | "error";
  obj: object;
  msg?: string;
}

/** A logger (info, warn, error) that keeps every line, for tests that assert what was logged. */
export interface RecordingLogger {
  lines: RecordedLine[];
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordedLine[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => void lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => void lines.push({ level: "error", obj, msg }),
  };
}
