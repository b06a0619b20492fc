export * from "./stream-names.ts";
export * from "./stream-entry.ts";
