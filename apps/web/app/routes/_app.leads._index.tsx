// Prospectos (SPEC §16): people who wrote first — to the practice's own number or from the website
// chat — as a list (filters by stage and source, keyset pages) or a board (a column per stage). Staff
// move a lead with a plain POST form (works without JavaScript; audited) and answer it in its
// conversation. Owners and reception work leads; doctors have none (a lead has no appointment yet).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { MessageCode } from "@rm/catalogue";
import { ContactsError, countLeads, leadBoard, listLeads, parseLeadFilters, setLeadStatus, type LeadItem } from "@rm/contacts";
import { CONTACT_SOURCES, LEAD_STATUSES, type LeadStatusName } from "@rm/contacts/constants";
import { formatPhone } from "@rm/domain";
import { contactsViewerOf, throwContactsAccessError } from "../.server/contacts.server.ts";
import { str } from "../.server/forms.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { SelectFilter } from "../components/filters.tsx";
import { CsrfInput } from "../components/forms.tsx";
import { formatDateTime, msgFor, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

type View = "list" | "board";

/** The page's own query (view and filters) from a URL or a form, for links and the redirect after a move. */
function pageQuery(params: { get(k: string): string | null | FormDataEntryValue }, change: { after?: string | null } = {}): string {
  const out = new URLSearchParams();
  const value = (k: string) => {
    const v = params.get(k);
    return typeof v === "string" ? v.trim() : "";
  };
  if (value("view") === "board") out.set("view", "board");
  if ((LEAD_STATUSES as readonly string[]).includes(value("status")) && value("view") !== "board") out.set("status", value("status"));
  if ((CONTACT_SOURCES as readonly string[]).includes(value("source"))) out.set("source", value("source"));
  if (change.after) out.set("after", change.after);
  const s = out.toString();
  return s ? `?${s}` : "";
}

const serialize = (l: LeadItem, country: string) => ({ ...l, phone: formatPhone(l.phone, country), statusAt: l.statusAt.toISOString(), createdAt: l.createdAt.toISOString() });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const viewer = contactsViewerOf(staff);
  const url = new URL(request.url);
  const view: View = url.searchParams.get("view") === "board" ? "board" : "list";
  const title = msgFor(await getLocale(request))("leads.pageTitle");
  const counts = await countLeads(staff.em, viewer).catch(throwContactsAccessError);
  const base = { title, timezone: staff.workspace.timezone, view, counts };
  let filters;
  try {
    filters = parseLeadFilters(url.searchParams);
  } catch (error) {
    if (!(error instanceof ContactsError) || error.code !== "invalid") throw error;
    return data({ ...base, filterError: error.text as MessageCode, items: [], board: null, next: null, filters: null }, { status: 400 });
  }
  const country = staff.workspace.defaultCountry;
  const shown = { status: filters.status ?? "", source: filters.source ?? "", paged: filters.after !== null };
  if (view === "board") {
    const board = await leadBoard(staff.em, viewer, filters.source).catch(throwContactsAccessError);
    const columns = LEAD_STATUSES.map((s) => ({ status: s, items: board[s].map((l) => serialize(l, country)) }));
    return { ...base, filterError: null, items: [], board: columns, next: null, filters: shown };
  }
  const page = await listLeads(staff.em, viewer, filters).catch(throwContactsAccessError);
  return { ...base, filterError: null, items: page.items.map((l) => serialize(l, country)), board: null, next: page.next, filters: shown };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const form = await request.formData();
  try {
    await setLeadStatus(staff.em, contactsViewerOf(staff), str(form, "contactId"), str(form, "status"), { ip: staff.ip });
  } catch (error) {
    if (error instanceof ContactsError && error.code === "invalid") return data({ error: error.text as MessageCode, contactId: str(form, "contactId") }, { status: 400 });
    throwContactsAccessError(error);
  }
  // Back to the same view and filters (the form's "status" is the new stage; the list's filter rides as "status-filter").
  const back = pageQuery({ get: (k) => form.get(k === "status" ? "status-filter" : k) });
  throw redirect(`/leads${back ? `${back}&` : "?"}moved=1`);
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Lead = Loaded["items"][number];

export default function LeadsPage() {
  const { view, counts, filters, filterError, items, board, next, timezone } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const msg = useMsg();
  return (
    <>
      <h1>{msg("leads.title")}</h1>
      <p className="muted">{msg("leads.intro")}</p>
      <nav aria-label={msg("leads.views")} className="conversation-views">
        <ul>
          {(["list", "board"] as const).map((v) => (
            <li key={v}>
              <Link to={pageQuery({ get: (k) => (k === "view" ? v : params.get(k)) })} aria-current={view === v ? "page" : undefined} data-testid={`leads-view-${v}`}>
                {msg(v === "list" ? "leads.view.list" : "leads.view.board")}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {params.get("moved") ? (
        <p className="notice" role="status">
          {msg("leads.moved")}
        </p>
      ) : null}
      {failure ? (
        <p className="error" role="alert">
          {msg(failure.error)}
        </p>
      ) : null}
      {filterError || !filters ? (
        <section className="card">
          <p className="error" role="alert">
            {msg(filterError ?? "leads.filter.invalid")}
          </p>
          <Link to="/leads">{msg("leads.filter.clear")}</Link>
        </section>
      ) : (
        <>
          <Form method="get" className="card filters" aria-label={msg("leads.filter.label")}>
            {view === "board" ? <input type="hidden" name="view" value="board" /> : null}
            {view === "list" ? (
              <SelectFilter
                id="f-status"
                name="status"
                label={msg("leads.filter.status")}
                allLabel={msg("leads.filter.all")}
                defaultValue={filters.status}
                options={LEAD_STATUSES.map((s) => ({ value: s, label: `${msg("leads.status", { status: s })} (${counts.byStatus[s]})` }))}
              />
            ) : null}
            <SelectFilter
              id="f-source"
              name="source"
              label={msg("leads.filter.source")}
              allLabel={msg("leads.filter.all")}
              defaultValue={filters.source}
              options={CONTACT_SOURCES.filter((s) => s === "INBOUND" || s === "WIDGET" || counts.bySource[s] > 0).map((s) => ({ value: s, label: `${msg("leads.source", { source: s })} (${counts.bySource[s]})` }))}
            />
            <button type="submit">{msg("leads.filter.submit")}</button>
          </Form>
          {board ? (
            <div className="lead-board" data-testid="lead-board">
              {board.map((column) => (
                <section key={column.status} className="card lead-column" aria-labelledby={`col-${column.status}`} data-testid={`lead-column-${column.status}`}>
                  <h2 id={`col-${column.status}`}>{msg("leads.column", { status: column.status, count: counts.byStatus[column.status] })}</h2>
                  {column.items.length === 0 ? <p className="muted">{msg("leads.column.empty")}</p> : null}
                  <ul>
                    {column.items.map((lead) => (
                      <li key={lead.id} className="lead-card" data-testid="lead-card">
                        <LeadSummary lead={lead} timezone={timezone} />
                        <MoveForm lead={lead} view="board" source={filters.source} />
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          ) : items.length === 0 ? (
            <section className="card empty-state">
              <p>{msg("leads.empty")}</p>
            </section>
          ) : (
            <ul className="card lead-list" data-testid="lead-list">
              {items.map((lead) => (
                <li key={lead.id} className="lead-card" data-testid="lead-row">
                  <LeadSummary lead={lead} timezone={timezone} />
                  <MoveForm lead={lead} view="list" source={filters.source} status={filters.status} />
                </li>
              ))}
            </ul>
          )}
          {view === "list" ? (
            <p className="pager">
              {filters.paged ? <Link to={pageQuery(params, { after: null }) || "?"}>{msg("leads.newest")}</Link> : null}
              {next ? <Link to={pageQuery(params, { after: next })}>{msg("leads.older")}</Link> : null}
            </p>
          ) : null}
        </>
      )}
    </>
  );
}

function LeadSummary({ lead, timezone }: { lead: Lead; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <>
      <p>
        <strong>{lead.name ?? msg("leads.unnamed")}</strong> <span className="muted phone">{lead.phone}</span>
      </p>
      <p>
        <span className="chip">{msg("leads.status", { status: lead.status })}</span> <span className="chip">{msg("leads.source", { source: lead.source ?? "" })}</span>{" "}
        <span className="muted">
          {msg("leads.col.since")}: <time dateTime={lead.statusAt}>{formatDateTime(lead.statusAt, locale, timezone)}</time>
        </span>
      </p>
      {lead.lastMessage ? <p className="excerpt">{lead.lastMessage}</p> : null}
      <p>
        {lead.threadId ? <Link to={`/conversations/${lead.threadId}`}>{msg("leads.openThread")}</Link> : null}
        {lead.threadId ? " · " : null}
        <Link to={`/contacts/${lead.id}`}>{msg("leads.contactLink")}</Link>
      </p>
    </>
  );
}

/** Moving a card: a plain POST form (a select and a button), so the board works without JavaScript. */
function MoveForm({ lead, view, source, status }: { lead: Lead; view: View; source: string; status?: string }) {
  const msg = useMsg();
  const id = `move-${lead.id}`;
  return (
    <Form method="post" className="inline-form lead-move">
      <CsrfInput />
      <input type="hidden" name="contactId" value={lead.id} />
      {view === "board" ? <input type="hidden" name="view" value="board" /> : null}
      {source ? <input type="hidden" name="source" value={source} /> : null}
      {status ? <input type="hidden" name="status-filter" value={status} /> : null}
      <label htmlFor={id}>{msg("leads.move.label", { name: lead.name ?? lead.phone })}</label>
      <select id={id} name="status" defaultValue={lead.status}>
        {LEAD_STATUSES.map((s: LeadStatusName) => (
          <option key={s} value={s}>
            {msg("leads.status", { status: s })}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">
        {msg("leads.move.submit")}
      </button>
    </Form>
  );
}

