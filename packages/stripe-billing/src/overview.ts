// What the billing page shows (read-only, one workspace): plan, balance, the current credit period,
// usage in it by type of message, and the ledger history paged newest first by (created_at, id).
// A read model (docs/ARCHITECTURE.md, "Table ownership"): it joins the ledger with messages and reads
// the next FREE period's outbox row, never writes them; credits change only through @rm/credits.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { getCreditBalance } from "@rm/credits";
import { creditsPerPeriod, isPlan, type Plan } from "@rm/domain";
import { workspaceBilling } from "@rm/accounts";

export interface LedgerHistoryEntry {
  id: string;
  kind: "grant" | "hold" | "release" | "deduct" | "refund";
  amount: number;
  /** What the entry is about, for people (never a phone number or message body). */
  what: LedgerWhat;
  reason: string | null;
  createdAt: string;
}

export type LedgerWhat =
  | { type: "free-period" }
  | { type: "paid-period"; invoice: string }
  | { type: "expiry" }
  | { type: "message" }
  | { type: "campaign" }
  | { type: "other"; reference: string };

export interface UsageRow {
  messageType: string;
  messages: number;
  credits: number;
}

export interface BillingOverview {
  plan: Plan;
  creditsPerPeriod: number | null;
  available: number;
  held: number;
  pastDueAt: string | null;
  hasCustomer: boolean;
  hasSubscription: boolean;
  period: { start: string | null; end: string | null };
  /** Usage counts from here: the period's start, else the first of this month (UTC). */
  usageSince: string;
  usage: UsageRow[];
  history: LedgerHistoryEntry[];
  /** Cursor of the next (older) page, or null on the last page. */
  nextCursor: string | null;
}

export const HISTORY_PAGE_SIZE = 25;

function describe(reference: string): LedgerWhat {
  if (/^free:/.test(reference)) return { type: "free-period" };
  const paid = /^stripe:\d+:\d+:(.+)$/.exec(reference);
  if (paid) return { type: "paid-period", invoice: paid[1]! };
  if (/^expire:/.test(reference)) return { type: "expiry" };
  if (/^(settle:|refund:|recharge:)?message:/.test(reference)) return { type: "message" };
  if (/^campaign:/.test(reference)) return { type: "campaign" };
  return { type: "other", reference: reference.slice(0, 80) };
}

/** A page cursor: the last row's created_at at full (microsecond) precision and its id. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function decodeCursor(cursor: string | null | undefined): { createdAt: string; id: string } | null {
  if (!cursor || cursor.length > 200) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!at || !id || !CURSOR_TIME.test(at) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt: at, id };
}

/** The current credit period: a paid one from the newest Stripe grant, a FREE one from its chain. */
async function currentPeriod(em: EntityManager, workspaceId: string, plan: Plan): Promise<{ start: Date | null; end: Date | null }> {
  if (plan === "FREE") {
    const [grant] = await scopedQuery<{ created_at: Date }>(
      em,
      workspaceId,
      "select created_at from credit_ledger_entries where workspace_id = ? and kind = 'grant' and reference like 'free:%' order by created_at desc, id desc limit 1",
    );
    // Two arms, so each reads its partial index (outbox_claim_idx, outbox_sweep_idx), never finished rows.
    const [next] = await em.execute<{ available_at: Date }[]>(
      "select available_at from outbox where workspace_id = ? and type = 'billing.free-period' and (status = 'pending' or status = 'published') order by available_at desc limit 1",
      [workspaceId],
    );
    return { start: grant ? new Date(grant.created_at) : null, end: next ? new Date(next.available_at) : null };
  }
  const [row] = await scopedQuery<{ e: string | null; s: string | null }>(
    em,
    workspaceId,
    `with p as (
       select split_part(reference, ':', 2)::bigint as e, split_part(reference, ':', 3)::bigint as s
         from credit_ledger_entries where workspace_id = ? and kind = 'grant' and reference ~ '^stripe:[0-9]+:[0-9]+:')
     select max(e)::text as e, (select min(s) from p where e = (select max(e) from p))::text as s from p`,
  );
  return {
    start: row?.s ? new Date(Number(row.s) * 1000) : null,
    end: row?.e ? new Date(Number(row.e) * 1000) : null,
  };
}

export async function getBillingOverview(em: EntityManager, workspaceId: string, options: { cursor?: string | null; pageSize?: number } = {}): Promise<BillingOverview> {
  const pageSize = Math.min(Math.max(options.pageSize ?? HISTORY_PAGE_SIZE, 1), 100);
  const ws = await workspaceBilling(em, workspaceId);
  if (!ws) throw new Error(`workspace ${workspaceId} not found`);
  const plan: Plan = isPlan(ws.plan) ? ws.plan : "FREE";
  const balance = await getCreditBalance(em, workspaceId);
  const period = await currentPeriod(em, workspaceId, plan);
  // No period on record (e.g. ENTERPRISE, which is never granted credits): usage of this calendar month.
  const now = new Date();
  const usageSince = period.start ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

  // Credits spent on messages since the period began, net of refunds, by type of message.
  const usage = await scopedQuery<{ type: string; messages: string; credits: string }>(
    em,
    workspaceId,
    `select m.type, count(distinct m.id)::text as messages, (-sum(l.amount))::text as credits
       from credit_ledger_entries l
       join messages m on m.workspace_id = l.workspace_id
        and m.id = case when l.reference ~ '^(refund:){0,1}message:[0-9a-f-]{36}$' then substring(l.reference from '[0-9a-f-]{36}$')::uuid end
      where l.workspace_id = ? and l.kind in ('deduct', 'refund') and l.created_at >= ?
      group by m.type order by 3 desc, 1`,
    [usageSince],
  );

  const cursor = decodeCursor(options.cursor);
  const rows = await scopedQuery<{ id: string; kind: LedgerHistoryEntry["kind"]; amount: number; reference: string; reason: string | null; created_at: Date; at: string }>(
    em,
    workspaceId,
    `select id, kind, amount, reference, reason, created_at,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
       from credit_ledger_entries
      where workspace_id = ? ${cursor ? "and (created_at, id) < (?::timestamptz, ?::uuid)" : ""}
      order by created_at desc, id desc limit ?`,
    cursor ? [cursor.createdAt, cursor.id, pageSize + 1] : [pageSize + 1],
  );
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    plan,
    creditsPerPeriod: creditsPerPeriod(plan),
    available: balance.available,
    held: balance.held,
    pastDueAt: ws.past_due_at ? new Date(ws.past_due_at).toISOString() : null,
    hasCustomer: Boolean(ws.stripe_customer_id),
    hasSubscription: Boolean(ws.stripe_subscription_id),
    period: { start: period.start?.toISOString() ?? null, end: period.end?.toISOString() ?? null },
    usageSince: usageSince.toISOString(),
    usage: usage.map((u) => ({ messageType: u.type, messages: Number(u.messages), credits: Number(u.credits) })),
    history: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      amount: Number(r.amount),
      what: describe(r.reference),
      reason: r.reason,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor: rows.length > pageSize && last ? encodeCursor(last.at, last.id) : null,
  };
}
