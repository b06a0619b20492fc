// Reading the fields billing needs out of Stripe objects shaped like the pinned API version. The
// payload is signed by Stripe but read defensively: a missing or odd field is "unknown", never a crash.
// Since 2025-03-31 an invoice's subscription lives under parent.subscription_details, and a line's
// price under pricing.price_details.

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function get(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const key of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A Stripe id field that may be expanded into its object. */
export function idOf(v: unknown): string | null {
  if (typeof v === "string" && v.length > 0 && v.length <= 255) return v;
  if (isObj(v) && typeof v.id === "string") return v.id;
  return null;
}

function uuid(v: unknown): string | null {
  return typeof v === "string" && UUID_RE.test(v) ? v.toLowerCase() : null;
}

/** The workspace an object names: checkout's client_reference_id, or metadata written at checkout. */
export function workspaceIdOfObject(o: unknown): string | null {
  return (
    uuid(get(o, "client_reference_id")) ??
    uuid(get(o, "metadata", "workspaceId")) ??
    uuid(get(o, "parent", "subscription_details", "metadata", "workspaceId")) ??
    uuid(get(o, "subscription_details", "metadata", "workspaceId")) ??
    null
  );
}

export function customerIdOf(o: unknown): string | null {
  return idOf(get(o, "customer"));
}

/** Invoice → subscription id (parent.subscription_details.subscription, pinned API version). */
export function subscriptionIdOfInvoice(invoice: unknown): string | null {
  return idOf(get(invoice, "parent", "subscription_details", "subscription"));
}

export interface InvoiceLine {
  priceId: string | null;
  proration: boolean;
  amount: number;
  periodStart: number;
  periodEnd: number;
}

/** The invoice's lines that belong to a subscription (proration or period lines). */
export function subscriptionLines(invoice: unknown): InvoiceLine[] {
  const data = get(invoice, "lines", "data");
  if (!Array.isArray(data)) return [];
  const lines: InvoiceLine[] = [];
  for (const line of data) {
    const start = get(line, "period", "start");
    const end = get(line, "period", "end");
    if (typeof start !== "number" || typeof end !== "number") continue;
    const itemDetails = get(line, "parent", "subscription_item_details");
    const invoiceItemDetails = get(line, "parent", "invoice_item_details");
    const proration = get(itemDetails, "proration") === true || get(invoiceItemDetails, "proration") === true;
    lines.push({
      priceId: idOf(get(line, "pricing", "price_details", "price")),
      proration,
      amount: typeof get(line, "amount") === "number" ? (get(line, "amount") as number) : 0,
      periodStart: start,
      periodEnd: end,
    });
  }
  return lines;
}

/** Subscription → the price of its (first) item, and the item's current period. */
export function subscriptionPrice(sub: unknown): { priceId: string | null; periodStart: number | null; periodEnd: number | null } {
  const items = get(sub, "items", "data");
  const first = Array.isArray(items) ? items[0] : undefined;
  const start = get(first, "current_period_start");
  const end = get(first, "current_period_end");
  return {
    priceId: idOf(get(first, "price")),
    periodStart: typeof start === "number" ? start : null,
    periodEnd: typeof end === "number" ? end : null,
  };
}

export function str(o: unknown, ...path: string[]): string | null {
  const v = get(o, ...path);
  return typeof v === "string" ? v : null;
}
