// Conversations (SPEC §13): one row per thread, newest activity first, with the filters staff need
// (status, mine / unassigned, practice, channel). Owners and reception see every thread, a doctor the
// threads of their own patients. With JavaScript the list refreshes itself (polling, see useLivePage).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import { formatPhone } from "@rm/domain";
import { countWaitingThreads, InboxError, listThreads, parseThreadFilters, type ThreadFilters } from "@rm/inbox";
import { THREAD_VIEWS } from "@rm/inbox/constants";
import type { MessageCode } from "@rm/catalogue";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { namedOptions, SelectFilter } from "../components/filters.tsx";
import { ConversationViews } from "../components/inbox.tsx";
import { useLivePage } from "../components/live.tsx";
import { getLocale } from "../.server/locale.server.ts";
import { formatDateTime, msgFor, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const viewer = viewerOf(staff);
  const url = new URL(request.url);
  const practices = (await listPractices(staff.em)).map((p) => ({ id: p.id, name: p.name }));
  const waiting = await countWaitingThreads(staff.em, viewer);
  const title = msgFor(await getLocale(request))("conversations.pageTitle", { count: waiting });
  const base = { timezone: staff.workspace.timezone, practices, isDoctor: staff.user.role === "DOCTOR", hasInbox: ROLES.STAFF.includes(staff.user.role), waiting, title };
  let filters: ThreadFilters;
  try {
    filters = parseThreadFilters(url.searchParams);
  } catch (error) {
    if (!(error instanceof InboxError) || error.code !== "invalid") throw error;
    return data({ ...base, filterError: error.message as MessageCode, filters: null, items: [], next: null }, { status: 400 });
  }
  const list = await listThreads(staff.em, viewer, filters).catch(throwInboxAccessError);
  return {
    ...base,
    filterError: null,
    filters: { view: filters.view, assignee: filters.mine ? "me" : filters.unassigned ? "none" : "", practiceId: filters.practiceId ?? "", channel: filters.channel ?? "", paged: filters.after !== null },
    items: list.items.map((i) => ({ ...i, lastMessageAt: i.lastMessageAt.toISOString(), waitingSince: i.waitingSince?.toISOString() ?? null, phone: formatPhone(i.phone, staff.workspace.defaultCountry) })),
    next: list.next,
  };
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Filters = NonNullable<Loaded["filters"]>;

function query(f: Filters, change: { view?: string; after?: string }): string {
  const p = new URLSearchParams();
  const view = change.view ?? f.view;
  if (view !== "open") p.set("view", view);
  if (f.assignee) p.set("assignee", f.assignee);
  if (f.practiceId) p.set("practice", f.practiceId);
  if (f.channel) p.set("channel", f.channel);
  if (change.after) p.set("after", change.after);
  const s = p.toString();
  return s ? `?${s}` : "?";
}

export default function ConversationsPage() {
  const { items, next, filters, filterError, practices, timezone, isDoctor, hasInbox, waiting } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  useLivePage(waiting);
  return (
    <>
      <h1>{msg("conversations.title")}</h1>
      <ConversationViews current="threads" waiting={waiting} showInbox={hasInbox} />
      <p className="muted">{isDoctor ? msg("conversations.intro.doctor") : msg("conversations.intro.all")}</p>
      {filterError || !filters ? (
        <section className="card">
          <p className="error" role="alert">
            {msg(filterError ?? "conversations.filter.invalid")}
          </p>
          <Link to="/conversations">{msg("conversations.filter.clear")}</Link>
        </section>
      ) : (
        <>
          <nav aria-label={msg("conversations.filter.view")} className="inbox-tabs">
            <ul>
              {THREAD_VIEWS.map((v) => (
                <li key={v}>
                  <Link to={query(filters, { view: v })} aria-current={filters.view === v ? "page" : undefined} data-testid={`view-${v}`}>
                    {msg("conversations.view", { view: v })}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <Form method="get" className="card filters" aria-label={msg("conversations.filter.submit")}>
            {filters.view !== "open" ? <input type="hidden" name="view" value={filters.view} /> : null}
            <SelectFilter
              id="f-assignee"
              name="assignee"
              label={msg("conversations.filter.assignee")}
              allLabel={msg("conversations.filter.anyone")}
              defaultValue={filters.assignee}
              options={[
                { value: "me", label: msg("conversations.filter.mine") },
                { value: "none", label: msg("conversations.filter.unassigned") },
              ]}
            />
            <SelectFilter id="f-practice" name="practice" label={msg("conversations.filter.practice")} allLabel={msg("conversations.filter.all")} defaultValue={filters.practiceId} options={namedOptions(practices)} />
            <SelectFilter
              id="f-channel"
              name="channel"
              label={msg("conversations.filter.channel")}
              allLabel={msg("conversations.filter.all")}
              defaultValue={filters.channel}
              options={(["WHATSAPP", "SMS", "WEB"] as const).map((c) => ({ value: c, label: msg("conversations.channel", { channel: c }) }))}
            />
            <button type="submit">{msg("conversations.filter.submit")}</button>
          </Form>
          {items.length === 0 ? (
            <section className="card empty-state">
              <p>{msg("conversations.empty")}</p>
            </section>
          ) : (
            <ul className="card thread-list" data-testid="thread-list">
              {items.map((t) => (
                <li key={t.id} className={t.waitingSince ? "thread waiting" : "thread"} data-testid="thread-row">
                  <Link to={`/conversations/${t.id}`} className="thread-link">
                    <strong>{t.patientName ?? (t.channel === "WEB" ? msg("widget.thread.visitor") : msg("conversations.unknownPatient"))}</strong> <span className="muted phone">{t.phone}</span>
                  </Link>
                  <span className="chip">{msg("conversations.channel", { channel: t.channel })}</span> <span className="chip">{msg("conversations.status", { status: t.status })}</span>
                  {t.urgent ? (
                    <span className="chip danger" data-testid="thread-row-urgent">
                      {msg("conversations.urgent")}
                    </span>
                  ) : null}
                  {t.waitingSince ? <span className="chip warning">{msg("conversations.waiting")}</span> : null}
                  {t.unread ? <span className="chip info">{msg("conversations.unread")}</span> : null}
                  <p className="excerpt">{t.preview}</p>
                  <p className="muted">
                    <time dateTime={t.lastMessageAt}>{formatDateTime(t.lastMessageAt, locale, timezone)}</time>
                    {t.practiceName ? ` · ${t.practiceName}` : ""} · {msg("conversations.col.assignee")}: {t.assigneeName ?? msg("conversations.nobody")}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <p className="pager">
            {filters.paged ? <Link to={query(filters, {})}>{msg("conversations.newest")}</Link> : null}
            {next ? <Link to={query(filters, { after: next })}>{msg("conversations.older")}</Link> : null}
          </p>
        </>
      )}
    </>
  );
}
