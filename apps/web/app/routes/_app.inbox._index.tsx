// Bandeja (owners and doctors; a doctor sees their own patients' threads): a view of the conversations
// that have private feedback, unparsed replies or low ratings (SPEC §13, one workflow). Each row is a
// thread and opens it; the thread's status is the case's. The filters are the inbox's (source,
// detractors, practice) with the thread's status as tabs; the page refreshes itself where JavaScript
// runs, and a plain GET form filters without it. An entry without a thread (its request went out from a
// Messaging Service) is a row of its own that opens its item page.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import type { MessageCode } from "@rm/catalogue";
import { formatPhone } from "@rm/domain";
import { groupRange, isDetractor } from "@rm/domain/ratings";
import { countWaitingThreads, InboxError, listInboxThreads, parseInboxThreadFilters, type InboxThreadFilters } from "@rm/inbox";
import { SOURCES, THREAD_VIEWS, type ThreadTab } from "@rm/inbox/constants";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { namedOptions, SelectFilter } from "../components/filters.tsx";
import { ConversationViews, InboxStars } from "../components/inbox.tsx";
import { useLivePage } from "../components/live.tsx";
import { formatDateTime, msgFor, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

const EMPTY_COUNTS: Record<ThreadTab, number> = { open: 0, SNOOZED: 0, CLOSED: 0, all: 0 };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const viewer = viewerOf(staff);
  const url = new URL(request.url);
  const practices = (await listPractices(staff.em)).map((p) => ({ id: p.id, name: p.name }));
  // The same count as the navigation's one badge: threads waiting for an answer.
  const waiting = await countWaitingThreads(staff.em, viewer).catch(throwInboxAccessError);
  const title = msgFor(await getLocale(request))("inbox.pageTitle");
  const base = { timezone: staff.workspace.timezone, practices, isDoctor: staff.user.role === "DOCTOR", waiting, title };
  let filters: InboxThreadFilters;
  try {
    filters = parseInboxThreadFilters(url.searchParams);
  } catch (error) {
    if (!(error instanceof InboxError) || error.code !== "invalid") throw error;
    // A hand-edited or stale link: say what is wrong, show nothing rather than a widened list.
    return data({ ...base, filterError: error.message as MessageCode, filters: null, items: [], next: null, counts: EMPTY_COUNTS }, { status: 400 });
  }
  const list = await listInboxThreads(staff.em, viewer, filters).catch(throwInboxAccessError);
  return {
    ...base,
    filterError: null,
    filters: { view: filters.view, source: filters.source ?? "", detractors: filters.detractors, practiceId: filters.practiceId ?? "", paged: filters.after !== null },
    items: list.items.map((i) => ({
      ...i,
      waitingSince: i.waitingSince?.toISOString() ?? null,
      entry: { ...i.entry, at: i.entry.at.toISOString() },
      phone: formatPhone(i.phone, staff.workspace.defaultCountry),
    })),
    next: list.next,
    counts: list.counts,
  };
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Filters = NonNullable<Loaded["filters"]>;

function query(filters: Filters, change: { view?: string; after?: string }): string {
  const params = new URLSearchParams();
  const view = change.view ?? filters.view;
  if (view !== "open") params.set("view", view);
  if (filters.source) params.set("source", filters.source);
  if (filters.detractors) params.set("detractors", "1");
  if (filters.practiceId) params.set("practice", filters.practiceId);
  if (change.after) params.set("after", change.after);
  const text = params.toString();
  return text ? `?${text}` : "?";
}

export default function InboxPage() {
  const { items, counts, next, filters, filterError, practices, timezone, isDoctor, waiting } = useLoaderData<typeof loader>();
  const msg = useMsg();
  useLivePage(waiting);
  return (
    <>
      <h1>{msg("inbox.title")}</h1>
      <ConversationViews current="inbox" waiting={waiting} showInbox />
      <p className="muted">{isDoctor ? msg("inbox.intro.doctor") : msg("inbox.intro.all")}</p>
      {filterError || !filters ? (
        <section className="card">
          <p className="error" role="alert">
            {msg(filterError ?? "inbox.filter.invalid")} {msg("inbox.filter.fix")}
          </p>
          <Link to="/inbox">{msg("inbox.filter.clear")}</Link>
        </section>
      ) : (
        <>
          <nav aria-label={msg("inbox.filter.view")} className="inbox-tabs">
            <ul>
              {THREAD_VIEWS.map((v) => (
                <li key={v}>
                  <Link to={query(filters, { view: v })} aria-current={filters.view === v ? "page" : undefined} data-testid={`tab-${v}`}>
                    {msg("conversations.view", { view: v })} <span className="count">{counts[v]}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <Form method="get" className="card filters" aria-label={msg("inbox.filter.label")}>
            {filters.view !== "open" ? <input type="hidden" name="view" value={filters.view} /> : null}
            <SelectFilter
              id="f-source"
              name="source"
              label={msg("inbox.filter.source")}
              allLabel={msg("inbox.filter.all")}
              defaultValue={filters.source}
              options={SOURCES.map((s) => ({ value: s, label: msg("inbox.source", { source: s }) }))}
            />
            <SelectFilter id="f-practice" name="practice" label={msg("inbox.filter.practice")} allLabel={msg("inbox.filter.all")} defaultValue={filters.practiceId} options={namedOptions(practices)} />
            <div className="checkbox">
              <input id="f-detractors" name="detractors" type="checkbox" value="1" defaultChecked={filters.detractors} />
              <label htmlFor="f-detractors">{msg("inbox.filter.detractors", { range: groupRange("detractor") })}</label>
            </div>
            <button type="submit">{msg("inbox.filter.submit")}</button>
          </Form>
          {items.length === 0 ? (
            <section className="card empty-state">
              <p>{filters.view === "open" && !filters.source && !filters.detractors && !filters.practiceId ? msg("inbox.empty.open") : msg("inbox.empty.filtered")}</p>
            </section>
          ) : (
            <InboxTable items={items} view={filters.view} timezone={timezone} />
          )}
          <p className="pager">
            {filters.paged ? <Link to={query(filters, {})}>{msg("inbox.newest")}</Link> : null}
            {next ? <Link to={query(filters, { after: next })}>{msg("inbox.older")}</Link> : null}
          </p>
        </>
      )}
    </>
  );
}

function InboxTable({ items, view, timezone }: { items: Loaded["items"]; view: ThreadTab; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    // On a phone the table scrolls inside its own focusable region, not the page.
    <div className="table-scroll" role="region" aria-labelledby="inbox-caption" tabIndex={0}>
    <table className="card inbox-table" data-testid="inbox-table">
      <caption id="inbox-caption" className="visually-hidden">{msg("conversations.view", { view })}</caption>
      <thead>
        <tr>
          <th scope="col">{msg("inbox.col.received")}</th>
          <th scope="col">{msg("inbox.col.patient")}</th>
          <th scope="col">{msg("inbox.col.rating")}</th>
          <th scope="col">{msg("inbox.col.source")}</th>
          <th scope="col">{msg("inbox.col.comment")}</th>
          <th scope="col">{msg("inbox.col.practice")}</th>
          <th scope="col">{msg("inbox.col.status")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={`${item.kind}-${item.id}`} className={item.entry.rating !== null && isDetractor(item.entry.rating) ? "detractor" : undefined} data-testid="inbox-row">
            <td>{formatDateTime(item.entry.at, locale, timezone)}</td>
            <td>
              {item.patientName ?? msg("conversations.unknownPatient")}
              <br />
              <span className="muted phone">{item.phone}</span>
            </td>
            <td>
              <InboxStars rating={item.entry.rating} />
            </td>
            <td>{msg("inbox.source", { source: item.entry.source })}</td>
            <td className="excerpt">
              <Link to={item.kind === "ITEM" ? `/inbox/${item.id}` : `/conversations/${item.id}`} data-testid={item.kind === "ITEM" ? "inbox-item-link" : "inbox-thread-link"}>
                {item.entry.excerpt.trim() !== "" ? item.entry.excerpt : msg("inbox.rated", { rating: item.entry.rating === null ? "—" : String(item.entry.rating) })}
              </Link>
              {item.entries > 1 ? <span className="muted"> {msg("inbox.moreEntries", { count: item.entries - 1 })}</span> : null}
            </td>
            <td>
              {item.practiceName ?? ""}
              {item.campaignId ? (
                <>
                  <br />
                  <Link to={`/campaigns/${item.campaignId}`} className="muted">
                    {item.campaignName}
                  </Link>
                </>
              ) : null}
            </td>
            <td>
              {/* An entry without a thread (sent from a Messaging Service) keeps its own workflow. */}
              <span className="chip">{item.itemStatus ? msg("inbox.item.statusName", { status: item.itemStatus }) : msg("conversations.status", { status: item.status })}</span>
              {item.kind === "ITEM" ? (
                <>
                  <br />
                  <span className="muted">{msg("inbox.noThread")}</span>
                </>
              ) : null}
              {item.waitingSince ? (
                <>
                  {" "}
                  <span className="chip warning">{msg("conversations.waiting")}</span>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
