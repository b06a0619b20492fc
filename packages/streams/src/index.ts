export * from "./stream-names.ts";
export * from "./stream-entry.ts";
export { addEntries } from "./add-entries.ts";
export { createRedis, checkEvictionPolicy, closeRedis, clusterSeeds, duplicateRedis, isCluster, type CreateRedisOptions, type RedisClient, type RedisLogger, type RedisRole } from "./redis.ts";
export { twilioStatusPayloadSchema, twilioInboundPayloadSchema, periodicPayloadSchema, parsePayload, type TwilioStatusPayload, type TwilioInboundPayload, type PeriodicPayload } from "./payloads.ts";
export { StreamConsumer, compareIds, type StreamConsumerOptions, type EntryHandler, type BatchHandler, type BatchHooks, type BatchOutcome, type EntryMeta, type DeadLetter } from "./consumer.ts";
