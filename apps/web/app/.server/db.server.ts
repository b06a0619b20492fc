// One MikroORM per process (kept across dev reloads), a fresh EntityManager fork per request.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { initOrm, workspaceEm } from "@rm/db";
import { getEnv } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { singleton } from "./singleton.server.ts";

interface OrmHolder {
  pending: Promise<MikroORM> | null;
  orm: MikroORM | null;
}

const holder = singleton<OrmHolder>("web.orm", () => ({ pending: null, orm: null }));
// The read replica's ORM (DATABASE_READ_URL), when one is configured.
const readHolder = singleton<OrmHolder>("web.orm.read", () => ({ pending: null, orm: null }));

/**
 * The process's ORM, created on first use. A failed start (database down at boot) is not cached,
 * so the next call tries again and the process recovers without a restart.
 */
export function getOrm(): Promise<MikroORM> {
  return ormOf(holder, getEnv().DATABASE_URL);
}

/**
 * The ORM for reads that tolerate replication lag — analytics and exports, never a page shown right
 * after a staff action (it must see what the action wrote): DATABASE_READ_URL when set, else the primary.
 */
export function getReadOrm(): Promise<MikroORM> {
  const url = getEnv().DATABASE_READ_URL;
  return url ? ormOf(readHolder, url) : getOrm();
}

/**
 * A fresh EntityManager on the read ORM for one request (see getReadOrm); with a workspace id, scoped
 * to that workspace like a signed-in request's own.
 */
export async function forkReadEm(workspaceId?: string): Promise<EntityManager> {
  const em = (await getReadOrm()).em.fork();
  return workspaceId === undefined ? em : workspaceEm(em, workspaceId);
}

function ormOf(holder: OrmHolder, databaseUrl: string): Promise<MikroORM> {
  if (holder.orm) return Promise.resolve(holder.orm);
  if (!holder.pending) {
    const pending = initOrm({ databaseUrl }).then(
      (orm: MikroORM) => {
        holder.orm = orm;
        return orm;
      },
      (err: unknown) => {
        holder.pending = null;
        throw err;
      },
    );
    holder.pending = pending;
    return pending;
  }
  return holder.pending;
}

/** A fresh EntityManager for one request (its own identity map; never the global one). */
export async function forkEm(): Promise<EntityManager> {
  return (await getOrm()).em.fork();
}

/** Answers whether PostgreSQL runs `select 1` within `timeoutMs` (for /readyz). */
export async function pingDatabase(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = (async () => {
    const orm = await getOrm();
    await orm.em.getConnection().execute("select 1");
    return true as const;
  })().catch((err: unknown) => {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "database ping failed");
    return false as const;
  });
  try {
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function closeOrm(): Promise<void> {
  await Promise.all([holder, readHolder].map(async (h) => {
    const pending = h.pending;
    h.pending = null;
    h.orm = null;
    if (!pending) return;
    const orm = await pending.catch(() => null);
    await orm?.close(true);
  }));
}
