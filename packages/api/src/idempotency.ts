// `Idempotency-Key` on POSTs (SPEC §15): the first answer is stored with the request's hash in the
// transaction of its effect; the same key and body get that answer again, the same key with another
// body 409. Two requests racing with one key are serialized by a transaction-scoped advisory lock.
import type { EntityManager } from "@mikro-orm/postgresql";
import { ApiProblem } from "./problem.ts";

const KEY = /^[\x21-\x7e]{1,200}$/;
/** How long a key is remembered (the stored answers are pruned after it). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export interface StoredAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

export async function withIdempotency(
  em: EntityManager,
  scope: { workspaceId: string; apiKeyId: string; key: string | undefined; requestHash: string; now: Date },
  effect: (tem: EntityManager) => Promise<{ status: number; body: unknown }>,
): Promise<StoredAnswer> {
  if (scope.key === undefined) {
    const answer = await em.transactional((tem) => effect(tem as EntityManager));
    return { ...answer, replayed: false };
  }
  if (!KEY.test(scope.key)) throw new ApiProblem("idempotency_key_invalid", "1 to 200 visible ASCII characters.");
  const key = scope.key;
  return em.transactional(async (tem) => {
    await tem.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`api_idempotency_keys:${scope.apiKeyId}:${key}`]);
    const [stored] = await tem.execute<{ request_hash: string; status: number; response: unknown; created_at: Date }[]>(
      "select request_hash, status, response, created_at from api_idempotency_keys where api_key_id = ? and key = ? and created_at > ?",
      [scope.apiKeyId, key, new Date(scope.now.getTime() - IDEMPOTENCY_TTL_MS)],
    );
    if (stored) {
      if (stored.request_hash !== scope.requestHash) throw new ApiProblem("idempotency_conflict", "This Idempotency-Key was used with another request.");
      return { status: Number(stored.status), body: stored.response, replayed: true };
    }
    const answer = await effect(tem as EntityManager);
    await tem.execute(
      `insert into api_idempotency_keys (workspace_id, api_key_id, key, request_hash, status, response, created_at) values (?, ?, ?, ?, ?, ?::jsonb, ?)
       on conflict (workspace_id, api_key_id, key) do update set request_hash = excluded.request_hash, status = excluded.status, response = excluded.response, created_at = excluded.created_at`,
      [scope.workspaceId, scope.apiKeyId, key, scope.requestHash, answer.status, JSON.stringify(answer.body), scope.now],
    );
    return { ...answer, replayed: false };
  });
}
