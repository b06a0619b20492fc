// Facturación (owners only, SPEC §6): plan, credit balance, the current period's usage by type of
// message, the ledger history (paged), a past-due banner; upgrade through Stripe Checkout, manage
// cards and cancellation in the Stripe customer portal.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BillingNotConfiguredError, createPortalSession, getBillingOverview, PlanChangeRefused, requestPlanChange, type LedgerWhat } from "@rm/stripe-billing";
import { ownSenderSummary } from "@rm/accounts";
import { coded, isMessageCode, type Msg } from "@rm/catalogue";
import { PLAN_LIMITS } from "@rm/domain";
import { logger } from "../.server/logger.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { formatDateTime, LOCALE_TAGS, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { planName } from "../plans.ts";
import { billingSetup } from "./_app.billing.server.ts";

export const meta: MetaFunction = () => [{ title: "Facturación · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const cursor = new URL(request.url).searchParams.get("after");
  const overview = await getBillingOverview(em, workspace.id, { cursor });
  const setup = billingSetup();
  const own = await ownSenderSummary(em, workspace.id);
  return {
    ...overview,
    ownAccountSid: own?.accountSid ?? null,
    timezone: workspace.timezone,
    configured: setup.missing.length === 0,
    missing: setup.missing,
    purchasable: setup.purchasable,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { workspace, user } = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  const intent = form.get("intent");
  const setup = billingSetup();
  if (!setup.stripe) return data({ error: coded("billing.error.notConfigured") }, { status: 503 });
  try {
    if (intent === "checkout") {
      const change = await requestPlanChange(setup.stripe, { workspace, plan: form.get("plan"), purchasable: setup.purchasable, prices: setup.prices, publicUrl: setup.publicUrl, email: user.email });
      if (change.kind === "changed") {
        logger.info({ workspaceId: workspace.id, plan: change.plan }, "subscription plan change requested");
        return redirect(`/billing?changed=${change.plan}`);
      }
      logger.info({ workspaceId: workspace.id, plan: change.plan, sessionId: change.sessionId }, "checkout session created");
      return redirect(change.url);
    }
    if (intent === "portal") {
      if (!workspace.stripeCustomerId) return data({ error: coded("billing.error.noSubscription") }, { status: 400 });
      const portal = await createPortalSession(setup.stripe, { customerId: workspace.stripeCustomerId, returnUrl: `${setup.publicUrl}/billing` });
      return redirect(portal.url);
    }
    return data({ error: coded("billing.error.unknownAction") }, { status: 400 });
  } catch (err) {
    if (err instanceof PlanChangeRefused) return data({ error: coded(err.code === "current" ? "billing.error.currentPlan" : "billing.error.planUnavailable") }, { status: 400 });
    if (err instanceof BillingNotConfiguredError) return data({ error: coded("billing.error.planNotConfigured") }, { status: 503 });
    logger.error({ workspaceId: workspace.id, err: err instanceof Error ? err.message : String(err) }, "stripe request failed");
    return data({ error: coded("billing.error.stripe") }, { status: 502 });
  }
}

/** A message type or ledger kind by its catalogue code, else the raw value. */
function label(prefix: "billing.messageType" | "billing.kind", key: string, msg: Msg): string {
  const code = `${prefix}.${key}`;
  return isMessageCode(code) ? msg(code) : key;
}

function whatLabel(what: LedgerWhat, msg: Msg): string {
  switch (what.type) {
    case "free-period":
      return msg("billing.what.freePeriod");
    case "paid-period":
      return msg("billing.what.paidPeriod", { invoice: what.invoice });
    case "expiry":
      return msg("billing.what.expiry");
    case "message":
      return msg("billing.what.message");
    case "campaign":
      return msg("billing.what.campaign");
    default:
      return what.reference;
  }
}

type Overview = ReturnType<typeof useLoaderData<typeof loader>>;

/** Counts in the interface language's digits. */
function useFormat(): (n: number) => string {
  const locale = useLocale();
  return (n) => n.toLocaleString(LOCALE_TAGS[locale]);
}

/** True while a billing form is on its way (every button waits for it). */
function useBusy(): boolean {
  return useNavigation().state !== "idle";
}

export default function BillingPage() {
  const o = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const msg = useMsg();
  return (
    <>
      <h1>{msg("billing.title")}</h1>
      {o.pastDueAt ? <PastDue overview={o} /> : null}
      {result && "error" in result ? <FormError message={result.error} /> : null}
      <PlanChangeNotice />
      {!o.configured ? <NotConfigured missing={o.missing} /> : null}
      <PlanAndCredits overview={o} />
      <UsageThisPeriod overview={o} />
      <CreditHistory overview={o} />
    </>
  );
}

function PastDue({ overview: o }: { overview: Overview }) {
  const msg = useMsg();
  const locale = useLocale();
  const busy = useBusy();
  return (
    <section className="card warning-box" role="alert" data-testid="past-due">
      <h2>{msg("billing.pastDue.title")}</h2>
      <p>{msg("billing.pastDue.text", { date: formatDateTime(o.pastDueAt!, locale, o.timezone) })}</p>
      {o.configured && o.hasCustomer ? (
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="portal" disabled={busy}>
            {msg("billing.pastDue.updateCard")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

/** After a subscription's plan change (`?changed=PLAN`): Stripe confirms it by webhook. */
function PlanChangeNotice() {
  const [params] = useSearchParams();
  const msg = useMsg();
  const changed = params.get("changed");
  if (!changed || !isMessageCode(`billing.plan.${changed}`)) return null;
  return (
    <p className="notice" role="status">
      {msg("billing.changeRequested", { plan: planName(changed, msg) })}
    </p>
  );
}

function NotConfigured({ missing }: { missing: string[] }) {
  const msg = useMsg();
  return (
    <section className="card warning-box" role="status" data-testid="billing-not-configured">
      <h2>{msg("billing.notConfigured.title")}</h2>
      <p>
        {msg("billing.notConfigured.text")} <code>{missing.join(", ")}</code>
      </p>
    </section>
  );
}

function PlanAndCredits({ overview: o }: { overview: Overview }) {
  const msg = useMsg();
  const locale = useLocale();
  const format = useFormat();
  const limit = o.creditsPerPeriod;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">{msg("billing.planAndCredits")}</h2>
      <dl className="stats">
        <div>
          <dt>{msg("billing.plan")}</dt>
          <dd data-testid="plan">{planName(o.plan, msg)}</dd>
        </div>
        <div>
          <dt>{msg("billing.available")}</dt>
          <dd data-testid="balance">{o.plan === "ENTERPRISE" ? msg("billing.unlimited") : format(o.available)}</dd>
        </div>
        <div>
          <dt>{msg("billing.held")}</dt>
          <dd data-testid="held">{format(o.held)}</dd>
        </div>
        <div>
          <dt>{msg("billing.perPeriod")}</dt>
          <dd>{limit === null ? msg("billing.unlimited") : format(limit)}</dd>
        </div>
      </dl>
      {o.period.start ? (
        <p>
          {o.period.end
            ? msg("billing.currentPeriodRange", { start: formatDateTime(o.period.start, locale, o.timezone), end: formatDateTime(o.period.end, locale, o.timezone) })
            : msg("billing.currentPeriod", { start: formatDateTime(o.period.start, locale, o.timezone) })}
          .{" "}
          {o.plan !== "ENTERPRISE" ? msg("billing.creditsExpire") : null}
        </p>
      ) : null}
      <p className="hint">{msg("billing.creditUnit")}</p>
      {o.ownAccountSid ? <OwnAccountNote accountSid={o.ownAccountSid} /> : null}
      {o.configured && o.hasSubscription ? <p className="hint">{msg("billing.changeHint")}</p> : null}
      {o.configured ? <PlanActions overview={o} /> : null}
    </section>
  );
}

/** With the practice's own Twilio account connected (SPEC §12): who bills what, and that credits still count. */
function OwnAccountNote({ accountSid }: { accountSid: string }) {
  const msg = useMsg();
  return (
    <p className="hint" data-testid="own-account-credits">
      {msg("ownSender.billingNote", { sid: accountSid })} <Link to="/settings/sender">{msg("ownSender.billingNote.link")}</Link>
    </p>
  );
}

/** A button per plan to switch to, and the Stripe customer portal once there is a customer. */
function PlanActions({ overview: o }: { overview: Overview }) {
  const msg = useMsg();
  const busy = useBusy();
  return (
    <div className="actions">
      {o.purchasable
        .filter((p) => p !== o.plan)
        .map((p) => (
          <Form method="post" key={p} className="inline-form">
            <CsrfInput />
            <input type="hidden" name="plan" value={p} />
            <button type="submit" name="intent" value="checkout" disabled={busy}>
              {msg("billing.switchTo", { plan: planName(p, msg), credits: PLAN_LIMITS[p].creditsPerPeriod ?? 0 })}
            </button>
          </Form>
        ))}
      {o.hasCustomer ? (
        <Form method="post" className="inline-form">
          <CsrfInput />
          <button type="submit" name="intent" value="portal" className="secondary" disabled={busy}>
            {msg("billing.portal")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

function UsageThisPeriod({ overview: o }: { overview: Overview }) {
  const msg = useMsg();
  const locale = useLocale();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="usage-title">
      <h2 id="usage-title">{msg("billing.usage.title")}</h2>
      <p className="hint">{msg("billing.usage.since", { date: formatDateTime(o.usageSince, locale, o.timezone) })}</p>
      {o.usage.length === 0 ? (
        <p>{msg("billing.usage.none")}</p>
      ) : (
        <table className="stack" data-testid="usage">
          <thead>
            <tr>
              <th scope="col">{msg("billing.usage.type")}</th>
              <th scope="col">{msg("billing.usage.messages")}</th>
              <th scope="col">{msg("billing.credits")}</th>
            </tr>
          </thead>
          <tbody>
            {o.usage.map((u) => (
              <tr key={u.messageType}>
                <td data-label={msg("billing.usage.type")}>{label("billing.messageType", u.messageType, msg)}</td>
                <td data-label={msg("billing.usage.messages")}>{format(u.messages)}</td>
                <td data-label={msg("billing.credits")}>{format(u.credits)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CreditHistory({ overview: o }: { overview: Overview }) {
  const [params] = useSearchParams();
  const msg = useMsg();
  const locale = useLocale();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">{msg("billing.history.title")}</h2>
      {o.history.length === 0 ? (
        <p>{msg("billing.history.none")}</p>
      ) : (
        <table className="stack" data-testid="ledger">
          <thead>
            <tr>
              <th scope="col">{msg("billing.history.date")}</th>
              <th scope="col">{msg("billing.history.entry")}</th>
              <th scope="col">{msg("billing.history.detail")}</th>
              <th scope="col">{msg("billing.credits")}</th>
            </tr>
          </thead>
          <tbody>
            {o.history.map((e) => (
              <tr key={e.id}>
                <td data-label={msg("billing.history.date")}>{formatDateTime(e.createdAt, locale, o.timezone)}</td>
                <td data-label={msg("billing.history.entry")}>{label("billing.kind", e.kind, msg)}</td>
                <td data-label={msg("billing.history.detail")}>{whatLabel(e.what, msg)}</td>
                <td className={e.amount < 0 ? "negative" : "positive"} data-label={msg("billing.credits")}>{e.amount > 0 ? `+${format(e.amount)}` : format(e.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={msg("billing.history.pages")}>
        {params.get("after") ? <Link to="/billing">{msg("billing.history.newest")}</Link> : null}
        {o.nextCursor ? (
          <Link to={`/billing?after=${encodeURIComponent(o.nextCursor)}`} rel="next">
            {msg("billing.history.older")}
          </Link>
        ) : null}
      </nav>
    </section>
  );
}
