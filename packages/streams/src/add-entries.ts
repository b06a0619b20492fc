// Many entries onto one stream with one command: a Lua script runs the XADDs inside Redis. The
// relay used to pipeline one XADD per outbox row, and ioredis building, writing and parsing a
// command per row was most of the relay's CPU (its garbage collection alone a fifth of it); one
// script call per stream key and batch costs the client one command whatever the batch size. The
// entries are the same as encodeEntry's (its fields, absent ones left out; decodeEntry reads both).
// Another client sees all of a call's entries or none (a script runs alone); a failure midway (Redis
// out of memory, say) keeps the entries added before it, as a pipeline would, and fails the call: the
// relay rolls back and publishes the rows again, and every consumer is idempotent.
import type { RedisClient } from "./redis.ts";
import type { StreamEntry } from "./stream-entry.ts";

const COMMAND = "rmAddStreamEntries";

/** KEYS[1] the stream; ARGV five per entry: outbox id, type, payload, workspace ("" = none), traceparent ("" = none). */
const SCRIPT = `
local n = 0
for i = 1, #ARGV, 5 do
  local f = {'o', ARGV[i], 't', ARGV[i + 1], 'p', ARGV[i + 2]}
  if ARGV[i + 3] ~= '' then f[#f + 1] = 'w'; f[#f + 1] = ARGV[i + 3] end
  if ARGV[i + 4] ~= '' then f[#f + 1] = 'tp'; f[#f + 1] = ARGV[i + 4] end
  redis.call('XADD', KEYS[1], '*', unpack(f))
  n = n + 1
end
return n`;

const defined = new WeakSet<object>();

/** XADDs `entries` to `key` in order, in one command (EVALSHA, EVAL the first time). Returns how many. */
export async function addEntries(redis: RedisClient, key: string, entries: readonly StreamEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  if (!defined.has(redis)) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
    defined.add(redis);
  }
  const args: string[] = new Array<string>(entries.length * 5);
  let i = 0;
  for (const e of entries) {
    args[i++] = e.outboxId;
    args[i++] = e.type;
    args[i++] = e.payload;
    args[i++] = e.workspaceId ?? "";
    args[i++] = e.traceparent;
  }
  const run = (redis as unknown as Record<string, (key: string, ...args: string[]) => Promise<number>>)[COMMAND]!;
  return run.call(redis, key, ...args);
}
