// Auditoría (owners): who did what to which entity, when, from which IP; filterable, newest first.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listAudit, listUsers } from "@rm/accounts";
import { requireUser } from "../.server/auth.server.ts";
import { formatDateTime, useLocale, useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Auditoría · Reputation Manager" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_TYPES = ["workspace", "user", "invitation", "practice", "template", "campaign", "patient", "billing"];

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
  const t = useT();
  const locale = useLocale();
  const nextParams = new URLSearchParams(params);
  if (nextBefore) nextParams.set("before", nextBefore);
  return (
    <>
      <h1>{t("Auditoría", "Audit log")}</h1>
      <Form method="get" className="card filters" aria-label={t("Filtros", "Filters")}>
        <div className="field">
          <label htmlFor="f-action">{t("Acción", "Action")}</label>
          <input id="f-action" name="action" defaultValue={params.get("action") ?? ""} placeholder="template.edited" />
        </div>
        <div className="field">
          <label htmlFor="f-actor">{t("Usuario", "User")}</label>
          <select id="f-actor" name="actor" defaultValue={params.get("actor") ?? ""}>
            <option value="">{t("Todos", "Everyone")}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-entity">{t("Entidad", "Entity")}</label>
          <select id="f-entity" name="entityType" defaultValue={params.get("entityType") ?? ""}>
            <option value="">{t("Todas", "All")}</option>
            {entityTypes.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{t("Desde", "From")}</label>
          <input id="f-from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t("Hasta", "To")}</label>
          <input id="f-to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        </div>
        <button type="submit">{t("Filtrar", "Filter")}</button>
      </Form>
      {rows.length === 0 ? (
        <section className="card empty-state">
          <p>{t("No hay registros para estos filtros.", "No entries match these filters.")}</p>
        </section>
      ) : (
        <table className="card" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t("Fecha", "Date")}</th>
              <th scope="col">{t("Usuario", "User")}</th>
              <th scope="col">{t("Acción", "Action")}</th>
              <th scope="col">{t("Entidad", "Entity")}</th>
              <th scope="col">IP</th>
              <th scope="col">{t("Detalles", "Details")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.createdAt, locale, timezone)}</td>
                <td>{r.actorName ?? t("Sistema", "System")}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  {r.entityType}
                  {r.entityId ? <span className="muted"> {r.entityId.slice(0, 8)}</span> : null}
                </td>
                <td>{r.ip ?? "—"}</td>
                <td className="details">{r.details ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore ? (
        <p>
          <Link to={`?${nextParams.toString()}`}>{t("Registros más antiguos →", "Older entries →")}</Link>
        </p>
      ) : null}
    </>
  );
}
