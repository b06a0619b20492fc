// API keys (SPEC §15, decision 020): `rmk_` + 12 random characters (the visible, unique prefix) + `_`
// + 43 random characters. Only HMAC-SHA256(API_KEY_HASH_SECRET, key) is stored: the key carries 256
// bits of randomness, so no slow password hash is needed, and the keyed hash means a copy of the table
// alone cannot even be checked against a guess. Owner-only, audited; the key is shown once.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit } from "@rm/accounts";
import { pgArray, scopedQuery } from "@rm/db";
import { API_SCOPES, type ApiScope } from "./constants.ts";

const PREFIX_LENGTH = 16; // "rmk_" + 12
const KEY_PATTERN = /^rmk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per key: not one write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(hashSecret: string, key: string): string {
  return createHmac("sha256", hashSecret).update(key).digest("hex");
}

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdByName: string | null;
}

export class ApiKeyInputError extends Error {
  readonly field: "name" | "scopes";
  constructor(field: "name" | "scopes") {
    super(field);
    this.field = field;
  }
}

export interface CreateApiKeyInput {
  workspaceId: string;
  actorId: string;
  name: string;
  scopes: readonly string[];
  hashSecret: string;
  ip: string | null;
  now: Date;
}

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
export async function createApiKey(em: EntityManager, input: CreateApiKeyInput): Promise<{ id: string; prefix: string; key: string }> {
  const name = input.name.replace(/\s+/g, " ").trim();
  if (name === "" || name.length > 100) throw new ApiKeyInputError("name");
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0 || !scopes.every(isApiScope)) throw new ApiKeyInputError("scopes");
  // base64url of 9 bytes is 12 characters, of 32 bytes 43.
  const prefix = `rmk_${randomBytes(9).toString("base64url")}`;
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const run = async (tem: EntityManager) => {
    const [row] = await tem.execute<{ id: string }[]>(
      "insert into api_keys (workspace_id, name, prefix, secret_hash, scopes, created_by_id, created_at) values (?, ?, ?, ?, ?::text[], ?, ?) returning id",
      [input.workspaceId, name, prefix, hashApiKey(input.hashSecret, key), pgArray(scopes), input.actorId, input.now],
    );
    await insertAudit(tem, { workspaceId: input.workspaceId, actorId: input.actorId, action: "api_key.created", entityType: "ApiKey", entityId: row!.id, ip: input.ip, details: { prefix, scopes }, now: input.now });
    return row!.id;
  };
  const id = em.isInTransaction() ? await run(em) : await em.transactional((tem) => run(tem as EntityManager));
  return { id, prefix, key };
}

export async function listApiKeys(em: EntityManager, workspaceId: string): Promise<ApiKeyRow[]> {
  const rows = await scopedQuery<{ id: string; name: string; prefix: string; scopes: string[] | string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; created_by_name: string | null }>(
    em,
    workspaceId,
    `select k.id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at, u.name as created_by_name
       from api_keys k left join users u on u.id = k.created_by_id
      where k.workspace_id = ? order by k.revoked_at is not null, k.created_at desc`,
    [],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: (Array.isArray(r.scopes) ? r.scopes : String(r.scopes).replace(/^\{|\}$/g, "").split(",")).filter(isApiScope),
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    createdByName: r.created_by_name,
  }));
}

/** Revokes a key of the workspace (audited); false when there is no such key or it was revoked already. */
export async function revokeApiKey(em: EntityManager, input: { workspaceId: string; keyId: string; actorId: string; ip: string | null; now: Date }): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(input.keyId)) return false;
  const run = async (tem: EntityManager) => {
    const res = await tem.execute<{ affectedRows: number }>("update api_keys set revoked_at = ? where workspace_id = ? and id = ? and revoked_at is null", [input.now, input.workspaceId, input.keyId], "run");
    if (res.affectedRows === 0) return false;
    await insertAudit(tem, { workspaceId: input.workspaceId, actorId: input.actorId, action: "api_key.revoked", entityType: "ApiKey", entityId: input.keyId, ip: input.ip, details: {}, now: input.now });
    return true;
  };
  return em.isInTransaction() ? run(em) : em.transactional((tem) => run(tem as EntityManager));
}

export interface ApiPrincipal {
  keyId: string;
  workspaceId: string;
  scopes: ApiScope[];
  /** The key's creator: the actor of what the API does (audit, campaign creator, consent events). */
  actorId: string;
}

/**
 * The key in `Authorization: Bearer <key>`: its principal, "revoked", or null (absent, malformed or
 * unknown). Deliberately cross-tenant: the key is what says which workspace the request is for.
 */
export async function authenticateApiKey(em: EntityManager, authorization: string | undefined, hashSecret: string, now: Date): Promise<ApiPrincipal | "revoked" | null> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const key = match?.[1];
  if (!key || !KEY_PATTERN.test(key)) return null;
  const rows = await em.execute<{ id: string; workspace_id: string; secret_hash: string; scopes: string[] | string; created_by_id: string; revoked_at: Date | null; last_used_at: Date | null }[]>(
    "select id, workspace_id, secret_hash, scopes, created_by_id, revoked_at, last_used_at from api_keys where prefix = ?",
    [key.slice(0, PREFIX_LENGTH)],
  );
  const row = rows[0];
  if (!row) return null;
  const expected = Buffer.from(row.secret_hash, "hex");
  const actual = Buffer.from(hashApiKey(hashSecret, key), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (row.revoked_at) return "revoked";
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= LAST_USED_RESOLUTION_MS) {
    await em.execute("update api_keys set last_used_at = ? where id = ?", [now, row.id], "run");
  }
  const scopes = (Array.isArray(row.scopes) ? row.scopes : String(row.scopes).replace(/^\{|\}$/g, "").split(",")).filter(isApiScope);
  return { keyId: row.id, workspaceId: row.workspace_id, scopes, actorId: row.created_by_id };
}
