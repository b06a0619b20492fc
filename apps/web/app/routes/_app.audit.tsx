// Auditoría (owners): who did what to which entity, when, from which IP; filterable, newest first.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listAudit, listUsers } from "@rm/accounts";
import { requireUser } from "../.server/auth.server.ts";
import { actionLabel, entityLabel } from "../audit-labels.ts";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Auditoría · Reputation Manager" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_TYPES = ["workspace", "user", "invitation", "practice", "template", "campaign", "patient", "contact", "label", "feedback", "twilio_account", "whatsapp_template", "billing"];

function dateParam(value: string | null, endOfDay = false): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return endOfDay ? new Date(date.getTime() + 24 * 60 * 60 * 1000) : date;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const url = new URL(request.url);
  const actor = url.searchParams.get("actor");
  const entityType = url.searchParams.get("entityType");
  const before = url.searchParams.get("before");
  const beforeDate = before ? new Date(before) : undefined;
  const { rows, more } = await listAudit(em, {
    action: url.searchParams.get("action")?.trim() || undefined,
    actorId: actor && UUID.test(actor) ? actor : undefined,
    entityType: entityType && ENTITY_TYPES.includes(entityType) ? entityType : undefined,
    from: dateParam(url.searchParams.get("from")),
    to: dateParam(url.searchParams.get("to"), true),
    before: beforeDate && !Number.isNaN(beforeDate.getTime()) ? beforeDate : undefined,
    limit: 50,
  });
  const users = await listUsers(em, "name");
  return {
    timezone: workspace.timezone,
    entityTypes: ENTITY_TYPES,
    users: users.map((u) => ({ id: u.id, name: u.name })),
    rows: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), details: r.details ? JSON.stringify(r.details) : null })),
    nextBefore: more && rows.length ? rows[rows.length - 1]!.createdAt.toISOString() : null,
  };
}

export default function AuditPage() {
  const { rows, users, entityTypes, nextBefore, timezone } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const msg = useMsg();
  const locale = useLocale();
  const nextParams = new URLSearchParams(params);
  if (nextBefore) nextParams.set("before", nextBefore);
  return (
    <>
      <h1>{msg("audit.title")}</h1>
      <Form method="get" className="card filters" aria-label={msg("audit.filters")}>
        <div className="field">
          <label htmlFor="f-action">{msg("audit.action")}</label>
          <input id="f-action" name="action" defaultValue={params.get("action") ?? ""} placeholder="template.edited" />
        </div>
        <div className="field">
          <label htmlFor="f-actor">{msg("audit.user")}</label>
          <select id="f-actor" name="actor" defaultValue={params.get("actor") ?? ""}>
            <option value="">{msg("audit.everyone")}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-entity">{msg("audit.entity")}</label>
          <select id="f-entity" name="entityType" defaultValue={params.get("entityType") ?? ""}>
            <option value="">{msg("audit.all")}</option>
            {entityTypes.map((e) => (
              <option key={e} value={e}>
                {entityLabel(e, msg)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{msg("audit.from")}</label>
          <input id="f-from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{msg("audit.to")}</label>
          <input id="f-to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        </div>
        <button type="submit">{msg("audit.filter")}</button>
      </Form>
      {rows.length === 0 ? (
        <section className="card empty-state">
          <p>{msg("audit.empty")}</p>
        </section>
      ) : (
        <table className="card stack" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{msg("audit.date")}</th>
              <th scope="col">{msg("audit.user")}</th>
              <th scope="col">{msg("audit.action")}</th>
              <th scope="col">{msg("audit.entity")}</th>
              <th scope="col">IP</th>
              <th scope="col">{msg("audit.details")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label={msg("audit.date")}>{formatDateTime(r.createdAt, locale, timezone)}</td>
                <td data-label={msg("audit.user")}>{r.actorName ?? msg("audit.system")}</td>
                <td data-testid="audit-action" title={r.action} data-label={msg("audit.action")}>
                  {actionLabel(r.action, msg)}{" "}
                  <small className="muted">
                    <code>{r.action}</code>
                  </small>
                </td>
                <td data-label={msg("audit.entity")}>
                  {entityLabel(r.entityType, msg)}
                  {r.entityId ? <span className="muted"> {r.entityId.slice(0, 8)}</span> : null}
                </td>
                <td data-label="IP">{r.ip ?? "—"}</td>
                <td className="details" data-label={msg("audit.details")}>{r.details ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore ? (
        <p>
          <Link to={`?${nextParams.toString()}`}>{msg("audit.older")}</Link>
        </p>
      ) : null}
    </>
  );
}
