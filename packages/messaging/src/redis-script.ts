/**
 * The start of a limiter's Lua script (rate-limit.ts, request-limit.ts): `now` in milliseconds from
 * the Redis server's clock, so replicas on different machines agree, and the numeric ARGV by name.
 */
export function luaPrologue(...argNames: string[]): string {
  return [
    "local t = redis.call('TIME')",
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
    ...argNames.map((name, i) => `local ${name} = tonumber(ARGV[${i + 1}])`),
  ].join("\n");
}
