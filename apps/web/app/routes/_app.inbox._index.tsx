// Bandeja (owners and doctors; a doctor sees the items of campaigns assigned to them): private
// feedback, unparsed replies and low ratings, newest first, in tabs per status, with filters.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import { formatPhone } from "@rm/domain";
import { groupRange, isDetractor } from "@rm/domain/ratings";
import { InboxError, listInbox, parseInboxFilters, type InboxFilters } from "@rm/inbox";
import { STATUS_TABS, type StatusTab } from "@rm/inbox/constants";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { namedOptions, SelectFilter } from "../components/filters.tsx";
import { sourceLabel, Stars, StatusChip } from "../components/inbox.tsx";
import { formatDateTime, useLocale, useMsg, useT, type Translate } from "../i18n.ts";
import { translateMessage } from "../messages.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Bandeja · Reputation Manager" }];

const EMPTY_COUNTS = { NEW: 0, IN_PROGRESS: 0, RESOLVED: 0, open: 0, all: 0 };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const url = new URL(request.url);
  const practices = (await listPractices(staff.em)).map((p) => ({ id: p.id, name: p.name }));
  const base = { timezone: staff.workspace.timezone, practices, isDoctor: staff.user.role === "DOCTOR" };
  let filters: InboxFilters;
  try {
    filters = parseInboxFilters(url.searchParams);
  } catch (error) {
    if (!(error instanceof InboxError) || error.code !== "invalid") throw error;
    // A hand-edited or stale link: say what is wrong, show nothing rather than a widened list.
    return data({ ...base, filterError: error.message, filters: null, items: [], next: null, counts: EMPTY_COUNTS }, { status: 400 });
  }
  const list = await listInbox(staff.em, viewerOf(staff), filters).catch(throwInboxAccessError);
  return {
    ...base,
    filterError: null,
    filters: { status: filters.status, source: filters.source, detractors: filters.detractors, practiceId: filters.practiceId, paged: filters.after !== null },
    items: list.items.map((i) => ({
      ...i,
      createdAt: i.createdAt.toISOString(),
      phone: formatPhone(i.phone, staff.workspace.defaultCountry),
    })),
    next: list.next,
    counts: list.counts,
  };
}

type Filters = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["filters"]>;

function query(filters: Filters, change: Partial<Record<"status" | "after", string>>): string {
  const params = new URLSearchParams();
  const status = change.status ?? filters.status;
  if (status !== "open") params.set("status", status);
  if (filters.source) params.set("source", filters.source);
  if (filters.detractors) params.set("detractors", "1");
  if (filters.practiceId) params.set("practice", filters.practiceId);
  if (change.after) params.set("after", change.after);
  const text = params.toString();
  return text ? `?${text}` : "?";
}

function tabLabel(tab: StatusTab, t: Translate): string {
  switch (tab) {
    case "open":
      return t("Sin resolver", "Unresolved");
    case "NEW":
      return t("Nuevos", "New");
    case "IN_PROGRESS":
      return t("En curso", "In progress");
    case "RESOLVED":
      return t("Resueltos", "Resolved");
    case "all":
      return t("Todos", "All");
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

export default function InboxPage() {
  const { items, counts, next, filters, filterError, practices, timezone, isDoctor } = useLoaderData<typeof loader>();
  return (
    <>
      <InboxHeader isDoctor={isDoctor} />
      {filterError || !filters ? (
        <FilterProblem message={filterError ?? ""} />
      ) : (
        <>
          <StatusTabs filters={filters} counts={counts} />
          <InboxFilters filters={filters} practices={practices} />
          {items.length === 0 ? <EmptyInbox filters={filters} /> : <InboxTable items={items} caption={filters.status} timezone={timezone} />}
          <p className="pager">
            <InboxPager filters={filters} next={next} />
          </p>
        </>
      )}
    </>
  );
}

function InboxHeader({ isDoctor }: { isDoctor: boolean }) {
  const t = useT();
  return (
    <>
      <h1>{t("Bandeja", "Inbox")}</h1>
      <p className="muted">
        {isDoctor
          ? t("Comentarios privados, respuestas sin calificación y calificaciones bajas de sus campañas.", "Private feedback, unparsed replies and low ratings of your campaigns.")
          : t("Comentarios privados, respuestas sin calificación y calificaciones bajas de todas las campañas.", "Private feedback, unparsed replies and low ratings of every campaign.")}
      </p>
    </>
  );
}

/** A hand-edited or stale link: what is wrong, and the way back to the whole inbox. */
function FilterProblem({ message }: { message: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card">
      <p className="error" role="alert">
        {translateMessage(message, locale)} {t("Revise el enlace o quite los filtros.", "Check the link or clear the filters.")}
      </p>
      <Link to="/inbox">{t("Ver la bandeja sin filtros", "Show the inbox without filters")}</Link>
    </section>
  );
}

function StatusTabs({ filters, counts }: { filters: Filters; counts: Loaded["counts"] }) {
  const t = useT();
  return (
    <nav aria-label={t("Estados", "Statuses")} className="inbox-tabs">
      <ul>
        {STATUS_TABS.map((tab) => (
          <li key={tab}>
            <Link to={query(filters, { status: tab })} aria-current={filters.status === tab ? "page" : undefined} data-testid={`tab-${tab}`}>
              {tabLabel(tab, t)} <span className="count">{counts[tab]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function InboxFilters({ filters, practices }: { filters: Filters; practices: Loaded["practices"] }) {
  const t = useT();
  return (
    <Form method="get" className="card filters" aria-label={t("Filtros", "Filters")}>
      {filters.status !== "open" ? <input type="hidden" name="status" value={filters.status} /> : null}
      <SelectFilter
        id="f-source"
        name="source"
        label={t("Origen", "Source")}
        allLabel={t("Todos", "All")}
        defaultValue={filters.source ?? ""}
        options={(["FORM", "REPLY", "RATING"] as const).map((s) => ({ value: s, label: sourceLabel(s, t) }))}
      />
      <SelectFilter id="f-practice" name="practice" label={t("Consultorio", "Practice")} allLabel={t("Todos", "All")} defaultValue={filters.practiceId ?? ""} options={namedOptions(practices)} />
      <div className="checkbox">
        <input id="f-detractors" name="detractors" type="checkbox" value="1" defaultChecked={filters.detractors} />
        <label htmlFor="f-detractors">{t(`Solo detractores (${groupRange("detractor")})`, `Detractors only (${groupRange("detractor")})`)}</label>
      </div>
      <button type="submit">{t("Filtrar", "Filter")}</button>
    </Form>
  );
}

function EmptyInbox({ filters }: { filters: Filters }) {
  const t = useT();
  return (
    <section className="card empty-state">
      <p>
        {filters.status === "open" && !filters.source && !filters.detractors && !filters.practiceId
          ? t("No hay nada pendiente. Cuando un paciente escriba o califique bajo, aparecerá aquí.", "Nothing pending. When a patient writes or rates low, it shows up here.")
          : t("No hay elementos para estos filtros.", "No items match these filters.")}
      </p>
    </section>
  );
}

function InboxTable({ items, caption, timezone }: { items: Loaded["items"]; caption: StatusTab; timezone: string }) {
  const t = useT();
  const msg = useMsg();
  const locale = useLocale();
  return (
    <table className="card inbox-table" data-testid="inbox-table">
      <caption className="visually-hidden">{tabLabel(caption, t)}</caption>
      <thead>
        <tr>
          <th scope="col">{t("Recibido", "Received")}</th>
          <th scope="col">{t("Paciente", "Patient")}</th>
          <th scope="col">{t("Calificación", "Rating")}</th>
          <th scope="col">{t("Origen", "Source")}</th>
          <th scope="col">{t("Comentario", "Comment")}</th>
          <th scope="col">{t("Consultorio y campaña", "Practice and campaign")}</th>
          <th scope="col">{t("Estado", "Status")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} className={item.rating !== null && isDetractor(item.rating) ? "detractor" : undefined} data-testid="inbox-row">
            <td>{formatDateTime(item.createdAt, locale, timezone)}</td>
            <td>
              {item.patientName}
              <br />
              <span className="muted phone">{item.phone}</span>
            </td>
            <td>
              <Stars rating={item.rating} t={t} />
            </td>
            <td>{sourceLabel(item.source, t)}</td>
            <td className="excerpt">
              <Link to={`/inbox/${item.id}`}>
                {item.excerpt.trim() !== "" ? item.excerpt : t(`Calificó ${item.rating ?? "—"} de 5`, `Rated ${item.rating ?? "—"} of 5`)}
              </Link>
            </td>
            <td>
              {item.practiceName}
              <br />
              <Link to={`/campaigns/${item.campaignId}`} className="muted">
                {item.campaignName}
              </Link>
            </td>
            <td>
              <StatusChip status={item.status} t={t} />
              {item.conversationId ? (
                <>
                  <br />
                  <Link to={`/conversations/${item.conversationId}`} className="muted" data-testid="inbox-thread-link">
                    {msg("conversations.openThread")}
                  </Link>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InboxPager({ filters, next }: { filters: Filters; next: string | null }) {
  const t = useT();
  return (
    <>
      {filters.paged ? <Link to={query(filters, {})}>{t("← Más recientes", "← Newest")}</Link> : null}
      {next ? <Link to={query(filters, { after: next })}>{t("Más antiguos →", "Older →")}</Link> : null}
    </>
  );
}
