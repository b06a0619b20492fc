// Facturación (owners only, SPEC §6): plan, credit balance, the current period's usage by type of
// message, the ledger history (paged), a past-due banner; upgrade through Stripe Checkout, manage
// cards and cancellation in the Stripe customer portal.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BillingNotConfiguredError, createPortalSession, getBillingOverview, PlanChangeRefused, requestPlanChange, type LedgerWhat } from "@rm/stripe-billing";
import { ownSenderSummary } from "@rm/accounts";
import { PLAN_LIMITS } from "@rm/domain";
import { logger } from "../.server/logger.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg, useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";
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
  if (!setup.stripe) return data({ error: "La facturación no está configurada en este servidor." }, { status: 503 });
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
      if (!workspace.stripeCustomerId) return data({ error: "Todavía no hay una suscripción que administrar." }, { status: 400 });
      const portal = await createPortalSession(setup.stripe, { customerId: workspace.stripeCustomerId, returnUrl: `${setup.publicUrl}/billing` });
      return redirect(portal.url);
    }
    return data({ error: "Acción desconocida." }, { status: 400 });
  } catch (err) {
    if (err instanceof PlanChangeRefused) return data({ error: err.code === "current" ? "Ese ya es su plan." : "Plan no disponible." }, { status: 400 });
    if (err instanceof BillingNotConfiguredError) return data({ error: "Ese plan no está configurado." }, { status: 503 });
    logger.error({ workspaceId: workspace.id, err: err instanceof Error ? err.message : String(err) }, "stripe request failed");
    return data({ error: "No pudimos comunicarnos con Stripe. Inténtelo de nuevo en unos minutos." }, { status: 502 });
  }
}

const PLAN_NAMES: Record<string, string> = { FREE: "Gratis", STARTER: "Starter", PROFESSIONAL: "Professional", ENTERPRISE: "Enterprise" };

const MESSAGE_TYPES: Record<string, [string, string]> = {
  INITIAL: ["Solicitud de calificación", "Rating request"],
  REMINDER: ["Recordatorio", "Reminder"],
  FOLLOWUP_HAPPY: ["Seguimiento (satisfecho)", "Follow-up (happy)"],
  FOLLOWUP_UNHAPPY: ["Seguimiento (insatisfecho)", "Follow-up (unhappy)"],
  HELP: ["Ayuda", "Help"],
  OPT_OUT_CONFIRMATION: ["Confirmación de baja", "Opt-out confirmation"],
  STAFF_ALERT: ["Alerta al personal", "Staff alert"],
  STAFF_REPLY: ["Respuesta del personal", "Staff reply"],
  STAFF_REPLY_NOTICE: ["Aviso de mensaje pendiente", "Pending-message notice"],
};

const KINDS: Record<string, [string, string]> = {
  grant: ["Acreditación", "Grant"],
  hold: ["Reserva", "Hold"],
  release: ["Liberación", "Release"],
  deduct: ["Consumo", "Spent"],
  refund: ["Reembolso", "Refund"],
};

function label(table: Record<string, [string, string]>, key: string, t: (es: string, en: string) => string): string {
  const pair = table[key];
  return pair ? t(pair[0], pair[1]) : key;
}

function whatLabel(what: LedgerWhat, t: (es: string, en: string) => string): string {
  switch (what.type) {
    case "free-period":
      return t("Créditos mensuales del plan Gratis", "Free plan monthly credits");
    case "paid-period":
      return t(`Factura ${what.invoice}`, `Invoice ${what.invoice}`);
    case "expiry":
      return t("Fin del período: créditos no usados vencen", "Period ended: unused credits expire");
    case "message":
      return t("Mensaje", "Message");
    case "campaign":
      return t("Campaña", "Campaign");
    default:
      return what.reference;
  }
}

type Overview = ReturnType<typeof useLoaderData<typeof loader>>;

/** Counts in the interface language's digits. */
function useFormat(): (n: number) => string {
  const locale = useLocale();
  return (n) => n.toLocaleString(locale === "en" ? "en-US" : "es-EC");
}

/** True while a billing form is on its way (every button waits for it). */
function useBusy(): boolean {
  return useNavigation().state !== "idle";
}

export default function BillingPage() {
  const o = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <>
      <h1>{t("Facturación", "Billing")}</h1>
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
  const t = useT();
  const locale = useLocale();
  const busy = useBusy();
  return (
    <section className="card warning-box" role="alert" data-testid="past-due">
      <h2>{t("Pago pendiente", "Payment past due")}</h2>
      <p>
        {t(
          `El cobro de su suscripción falló el ${formatDateTime(o.pastDueAt!, locale, o.timezone)}. Los envíos continúan mientras queden créditos; actualice su tarjeta para no perder el plan.`,
          `Charging your subscription failed on ${formatDateTime(o.pastDueAt!, locale, o.timezone)}. Sending continues while credits last; update your card to keep your plan.`,
        )}
      </p>
      {o.configured && o.hasCustomer ? (
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="portal" disabled={busy}>
            {t("Actualizar tarjeta", "Update card")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

/** After a subscription's plan change (`?changed=PLAN`): Stripe confirms it by webhook. */
function PlanChangeNotice() {
  const [params] = useSearchParams();
  const t = useT();
  const name = PLAN_NAMES[params.get("changed") ?? ""];
  if (!params.get("changed") || !name) return null;
  return (
    <p className="notice" role="status">
      {t(
        `Cambio a ${name} solicitado. Stripe cobra hoy la diferencia prorrateada; el plan y los créditos se actualizan en unos segundos.`,
        `Change to ${name} requested. Stripe charges the prorated difference today; plan and credits update within seconds.`,
      )}
    </p>
  );
}

function NotConfigured({ missing }: { missing: string[] }) {
  const t = useT();
  return (
    <section className="card warning-box" role="status" data-testid="billing-not-configured">
      <h2>{t("Facturación no configurada", "Billing not configured")}</h2>
      <p>
        {t(
          "Este servidor no tiene Stripe configurado, así que no es posible cambiar de plan. Los créditos y el historial siguen funcionando. Falta:",
          "This server has no Stripe configuration, so plans cannot be changed. Credits and history still work. Missing:",
        )}{" "}
        <code>{missing.join(", ")}</code>
      </p>
    </section>
  );
}

function PlanAndCredits({ overview: o }: { overview: Overview }) {
  const t = useT();
  const locale = useLocale();
  const format = useFormat();
  const limit = o.creditsPerPeriod;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">{t("Plan y créditos", "Plan and credits")}</h2>
      <dl className="stats">
        <div>
          <dt>{t("Plan", "Plan")}</dt>
          <dd data-testid="plan">{PLAN_NAMES[o.plan] ?? o.plan}</dd>
        </div>
        <div>
          <dt>{t("Créditos disponibles", "Available credits")}</dt>
          <dd data-testid="balance">{o.plan === "ENTERPRISE" ? t("Ilimitados", "Unlimited") : format(o.available)}</dd>
        </div>
        <div>
          <dt>{t("Reservados para campañas", "Held for campaigns")}</dt>
          <dd data-testid="held">{format(o.held)}</dd>
        </div>
        <div>
          <dt>{t("Créditos por período", "Credits per period")}</dt>
          <dd>{limit === null ? t("Ilimitados", "Unlimited") : format(limit)}</dd>
        </div>
      </dl>
      {o.period.start ? (
        <p>
          {t("Período actual", "Current period")}: {formatDateTime(o.period.start, locale, o.timezone)}
          {o.period.end ? ` – ${formatDateTime(o.period.end, locale, o.timezone)}` : ""}.{" "}
          {o.plan !== "ENTERPRISE" ? t("Los créditos no usados vencen al final de cada período.", "Unused credits expire at the end of each period.") : null}
        </p>
      ) : null}
      <p className="hint">{t("Un crédito = un segmento de SMS o un mensaje de WhatsApp.", "One credit = one SMS segment or one WhatsApp message.")}</p>
      {o.ownAccountSid ? <OwnAccountNote accountSid={o.ownAccountSid} /> : null}
      {o.configured && o.hasSubscription ? (
        <p className="hint">
          {t(
            "Al cambiar de plan se cobra hoy la diferencia prorrateada y recibe en el acto los créditos que faltan para el nuevo plan; bajar de plan no devuelve créditos.",
            "Changing plan charges the prorated difference today and adds the missing credits at once; moving down returns no credits.",
          )}
        </p>
      ) : null}
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
  const t = useT();
  const format = useFormat();
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
              {t(`Cambiar a ${PLAN_NAMES[p]} (${format(PLAN_LIMITS[p].creditsPerPeriod ?? 0)} créditos/mes)`, `Switch to ${PLAN_NAMES[p]} (${format(PLAN_LIMITS[p].creditsPerPeriod ?? 0)} credits/month)`)}
            </button>
          </Form>
        ))}
      {o.hasCustomer ? (
        <Form method="post" className="inline-form">
          <CsrfInput />
          <button type="submit" name="intent" value="portal" className="secondary" disabled={busy}>
            {t("Administrar suscripción y tarjetas", "Manage subscription and cards")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

function UsageThisPeriod({ overview: o }: { overview: Overview }) {
  const t = useT();
  const locale = useLocale();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="usage-title">
      <h2 id="usage-title">{t("Uso en este período", "Usage this period")}</h2>
      <p className="hint">
        {t("Desde", "Since")} {formatDateTime(o.usageSince, locale, o.timezone)}
      </p>
      {o.usage.length === 0 ? (
        <p>{t("Todavía no se usaron créditos en este período.", "No credits used yet this period.")}</p>
      ) : (
        <table data-testid="usage">
          <thead>
            <tr>
              <th scope="col">{t("Tipo de mensaje", "Message type")}</th>
              <th scope="col">{t("Mensajes", "Messages")}</th>
              <th scope="col">{t("Créditos", "Credits")}</th>
            </tr>
          </thead>
          <tbody>
            {o.usage.map((u) => (
              <tr key={u.messageType}>
                <td>{label(MESSAGE_TYPES, u.messageType, t)}</td>
                <td>{format(u.messages)}</td>
                <td>{format(u.credits)}</td>
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
  const t = useT();
  const locale = useLocale();
  const format = useFormat();
  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">{t("Movimientos de créditos", "Credit history")}</h2>
      {o.history.length === 0 ? (
        <p>{t("Sin movimientos.", "No entries.")}</p>
      ) : (
        <table data-testid="ledger">
          <thead>
            <tr>
              <th scope="col">{t("Fecha", "Date")}</th>
              <th scope="col">{t("Movimiento", "Entry")}</th>
              <th scope="col">{t("Detalle", "Detail")}</th>
              <th scope="col">{t("Créditos", "Credits")}</th>
            </tr>
          </thead>
          <tbody>
            {o.history.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.createdAt, locale, o.timezone)}</td>
                <td>{label(KINDS, e.kind, t)}</td>
                <td>{whatLabel(e.what, t)}</td>
                <td className={e.amount < 0 ? "negative" : "positive"}>{e.amount > 0 ? `+${format(e.amount)}` : format(e.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("Páginas del historial", "History pages")}>
        {params.get("after") ? <Link to="/billing">{t("← Más recientes", "← Newest")}</Link> : null}
        {o.nextCursor ? (
          <Link to={`/billing?after=${encodeURIComponent(o.nextCursor)}`} rel="next">
            {t("Anteriores →", "Older →")}
          </Link>
        ) : null}
      </nav>
    </section>
  );
}
