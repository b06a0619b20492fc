// Ajustes › Webhooks (owners only, SPEC §15): endpoints with the events they want and their signing
// secret, each with its delivery log (status, response, time) and a manual resend; an endpoint the
// worker disabled after persistent failure says so here, with a banner, and can be enabled again.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { WEBHOOK_EVENTS } from "@rm/api/constants";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  replayWebhookDelivery,
  WebhookEndpointInputError,
  webhooksAllowInsecure,
} from "../.server/api.server.ts";
import { str } from "../.server/forms.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, Notice } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Webhooks · Reputation Manager" }];

const ERRORS = {
  url_invalid: "api.webhooks.error.url_invalid",
  url_not_https: "api.webhooks.error.url_not_https",
  url_private: "api.webhooks.error.url_private",
  events_required: "api.webhooks.error.events_required",
} as const;

const EVENT_TEXT = {
  "rating.received": "api.webhooks.event.rating.received",
  "feedback.received": "api.webhooks.event.feedback.received",
  "message.failed": "api.webhooks.event.message.failed",
  "contact.opted_out": "api.webhooks.event.contact.opted_out",
} as const;

const STATUS_TEXT = {
  PENDING: "api.webhooks.log.status.PENDING",
  SUCCEEDED: "api.webhooks.log.status.SUCCEEDED",
  FAILED: "api.webhooks.log.status.FAILED",
  GAVE_UP: "api.webhooks.log.status.GAVE_UP",
} as const;

const NOTICES = {
  created: "api.webhooks.notice.created",
  deleted: "api.webhooks.notice.deleted",
  enabled: "api.webhooks.notice.enabled",
  replayed: "api.webhooks.notice.replayed",
} as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const endpoints = await listWebhookEndpoints(em, workspace.id);
  const withLogs = await Promise.all(
    endpoints.map(async (e) => ({
      ...e,
      createdAt: e.createdAt.toISOString(),
      disabledAt: e.disabledAt?.toISOString() ?? null,
      deliveries: ((await listWebhookDeliveries(em, workspace.id, e.id, 20)) ?? []).map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null })),
    })),
  );
  return { timezone: workspace.timezone, endpoints: withLogs };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  const intent = str(form, "intent");
  const who = { workspaceId: staff.workspace.id, actorId: staff.user.id, ip: staff.ip, now: new Date() };
  switch (intent) {
    case "create": {
      const url = str(form, "url");
      const events = form.getAll("event").map(String);
      try {
        await createWebhookEndpoint(staff.em, { ...who, url, events, allowInsecure: webhooksAllowInsecure() });
      } catch (err) {
        if (!(err instanceof WebhookEndpointInputError)) throw err;
        return data({ error: ERRORS[err.code], url, events }, { status: 400 });
      }
      throw redirect("/settings/webhooks?notice=created");
    }
    case "delete":
      if (!(await deleteWebhookEndpoint(staff.em, { ...who, endpointId: str(form, "endpointId") }))) throw data({ error: "not found" }, { status: 404 });
      throw redirect("/settings/webhooks?notice=deleted");
    case "enable":
      if (!(await enableWebhookEndpoint(staff.em, { ...who, endpointId: str(form, "endpointId") }))) throw data({ error: "not found" }, { status: 404 });
      throw redirect("/settings/webhooks?notice=enabled");
    case "replay":
      if (!(await replayWebhookDelivery(staff.em, { ...who, deliveryId: str(form, "deliveryId") }))) throw data({ error: "not found" }, { status: 404 });
      throw redirect("/settings/webhooks?notice=replayed");
    default:
      throw data({ error: "unknown intent" }, { status: 400 });
  }
}

export default function WebhooksPage() {
  const { endpoints, timezone } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const locale = useLocale();
  const [params] = useSearchParams();
  const notice = (NOTICES as Record<string, (typeof NOTICES)[keyof typeof NOTICES] | undefined>)[params.get("notice") ?? ""];
  const anyDisabled = endpoints.some((e) => !e.enabled);
  return (
    <>
      <p>
        <Link to="/settings">{msg("api.back")}</Link>
      </p>
      <h1>{msg("api.webhooks.title")}</h1>
      <p>{msg("api.webhooks.intro")}</p>
      <p>
        <Link to="/settings/api/reference#signatures">{msg("api.reference.signature.title")}</Link>
      </p>
      {anyDisabled ? (
        <p className="error" role="alert" data-testid="webhook-disabled-banner">
          {msg("api.webhooks.disabledBanner")}
        </p>
      ) : null}
      <Notice message={notice ? msg(notice) : undefined} />
      {endpoints.length === 0 ? <p className="muted">{msg("api.webhooks.empty")}</p> : null}
      {endpoints.map((e, i) => (
        <section className="card" key={e.id} aria-labelledby={`endpoint-${i}`}>
          <h2 id={`endpoint-${i}`} className="endpoint-url">
            {e.url}
          </h2>
          <p>
            {msg("api.webhooks.events")}: {e.events.join(", ")}
          </p>
          <p>{e.enabled ? msg("api.webhooks.enabled") : msg("api.webhooks.disabled", { reason: e.disabledReason ?? "" })}</p>
          <details>
            <summary>{msg("api.webhooks.secret")}</summary>
            <code className="secret">{e.secret}</code>
          </details>
          <div className="actions">
            {!e.enabled ? (
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="enable" />
                <input type="hidden" name="endpointId" value={e.id} />
                <button type="submit">{msg("api.webhooks.enable")}</button>
              </Form>
            ) : null}
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="endpointId" value={e.id} />
              <button type="submit" className="secondary">
                {msg("api.webhooks.delete", { url: new URL(e.url).host })}
              </button>
            </Form>
          </div>
          <h3 id={`endpoint-${i}-log`}>{msg("api.webhooks.log")}</h3>
          {e.deliveries.length === 0 ? (
            <p className="muted">{msg("api.webhooks.log.empty")}</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`endpoint-${i}-log`}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{msg("api.webhooks.log.event")}</th>
                    <th scope="col">{msg("api.webhooks.log.status")}</th>
                    <th scope="col">{msg("api.webhooks.log.code")}</th>
                    <th scope="col">{msg("api.webhooks.log.time")}</th>
                    <th scope="col">{msg("api.webhooks.log.when")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{msg("api.webhooks.replay")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {e.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{d.eventType}</td>
                      <td>{msg((STATUS_TEXT as Record<string, (typeof STATUS_TEXT)[keyof typeof STATUS_TEXT]>)[d.status] ?? "api.webhooks.log.status.PENDING")}</td>
                      <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
                      <td>{d.lastDurationMs === null ? "—" : msg("api.webhooks.log.ms", { ms: d.lastDurationMs })}</td>
                      <td>{formatDateTime(d.lastAttemptAt ?? d.createdAt, locale, timezone)}</td>
                      <td>
                        <Form method="post">
                          <CsrfInput />
                          <input type="hidden" name="intent" value="replay" />
                          <input type="hidden" name="deliveryId" value={d.id} />
                          <button type="submit" className="secondary">
                            {msg("api.webhooks.replay")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
      <section className="card" aria-labelledby="webhook-create">
        <h2 id="webhook-create">{msg("api.webhooks.create.title")}</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <Field id="url" label={msg("api.webhooks.create.url")} error={failure && failure.error !== "api.webhooks.error.events_required" ? msg(failure.error) : undefined}>
            {(p) => <input {...p} name="url" type="url" required defaultValue={failure?.url ?? ""} placeholder="https://" autoComplete="off" />}
          </Field>
          <fieldset aria-describedby={failure?.error === "api.webhooks.error.events_required" ? "events-error" : undefined}>
            <legend>{msg("api.webhooks.events")}</legend>
            {WEBHOOK_EVENTS.map((event) => (
              <div className="checkbox" key={event}>
                <input type="checkbox" id={`event-${event}`} name="event" value={event} defaultChecked={failure ? failure.events.includes(event) : true} />
                <label htmlFor={`event-${event}`}>{msg(EVENT_TEXT[event])}</label>
              </div>
            ))}
            {failure?.error === "api.webhooks.error.events_required" ? (
              <p id="events-error" className="field-error">
                {msg(failure.error)}
              </p>
            ) : null}
          </fieldset>
          <button type="submit">{msg("api.webhooks.create.submit")}</button>
        </Form>
      </section>
    </>
  );
}
