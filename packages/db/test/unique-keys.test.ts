// Every unique key of a tenant table includes workspace_id where it can (docs/capacity.md, "Past one
// PostgreSQL machine"): a database distributed by workspace can enforce only those. The keys that
// must stay global are listed here with the reason; a new unique key without workspace_id fails
// until it is either given one or listed with its reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrm, type TestOrm } from "@rm/test-utils";

/** Unique keys (primary keys aside) that cannot include workspace_id, and why. */
const GLOBAL_KEYS: Record<string, string> = {
  api_keys_prefix_uq: "an API key is found by its visible prefix before its workspace is known",
  billing_events_stripe_event_id_unique: "a Stripe event id is global; the webhook dedupes it before it knows the workspace",
  inbound_messages_provider_sid_unique: "the webhook stores a reply by its Twilio sid before it is routed to a workspace",
  invitations_token_hash_unique: "an invitation link is looked up by its token alone",
  messages_provider_sid_uq: "status callbacks find the message by its Twilio sid",
  outbox_idempotency_key_uq: "keys are global (platform jobs have no workspace); each key already names its subject's id",
  patients_public_token_unique: "the public pages /q /f /r are looked up by token alone",
  signup_verifications_credits_once_per_phone_uq: "a phone earns the free credits once across all workspaces (SMS-pumping guard)",
  provider_status_events_sid_status_uq: "a callback names no workspace: only the sid and our message id",
  twilio_accounts_account_sid_unique: "callbacks of an own account are verified by the AccountSid they post",
  users_email_unique: "sign-in is by email, before any workspace is known",
  web_widgets_public_key_unique: "the web chat's script tag and page name the workspace by its widget's public key alone",
  widget_visitors_token_hash_unique: "a web chat visitor is known by their token alone (also checked against the widget)",
  workspaces_stripe_customer_id_unique: "Stripe's webhooks name the customer, not the workspace",
  workspaces_stripe_subscription_id_unique: "Stripe's webhooks name the subscription, not the workspace",
};

let t: TestOrm;
beforeAll(async () => {
  t = await createTestOrm(2);
});
afterAll(async () => {
  await t.close();
});

async function uniqueKeys() {
  return t.orm.em.fork().execute<{ table: string; key: string; has_workspace: boolean }[]>(
    `select c.relname as table, i.relname as key,
            exists (select 1 from unnest(ix.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k where a.attname = 'workspace_id') as has_workspace
       from pg_index ix
       join pg_class i on i.oid = ix.indexrelid
       join pg_class c on c.oid = ix.indrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and ix.indisunique and not ix.indisprimary and c.relname <> 'mikro_orm_migrations'
      order by 1, 2`,
  );
}

describe("unique keys and workspace_id", () => {
  it("every unique key includes workspace_id, or is listed as global with its reason", async () => {
    const keys = await uniqueKeys();
    expect(keys.length).toBeGreaterThan(Object.keys(GLOBAL_KEYS).length);
    const missing = keys.filter((k) => !k.has_workspace && !(k.key in GLOBAL_KEYS)).map((k) => `${k.table}.${k.key}`);
    expect(missing).toEqual([]);
  });

  it("the list of global keys names only keys that exist and lack workspace_id", async () => {
    const keys = new Map((await uniqueKeys()).map((k) => [k.key, k.has_workspace]));
    const stale = Object.keys(GLOBAL_KEYS).filter((name) => keys.get(name) !== false);
    expect(stale).toEqual([]);
  });
});
