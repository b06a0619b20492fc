// The template library (SPEC §14): broadcast texts with their objective, category, usage and last
// use; search, sort and the archived filter are one GET form, so they work without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listLibrary, type LibrarySort } from "@rm/accounts";
import { requireUser } from "../.server/auth.server.ts";
import { Notice } from "../components/forms.tsx";
import { useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Biblioteca de mensajes · Reputation Manager" }];

// The sorts @rm/accounts' listLibrary knows (a copy: the component must not import the package's values).
const LIBRARY_SORTS: readonly LibrarySort[] = ["lastUsed", "usage", "name", "created"];
const NOTICES = { archived: "library.archivedNotice", unarchived: "library.unarchivedNotice" } as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").slice(0, 100);
  const sortParam = params.get("sort") ?? "lastUsed";
  const sort: LibrarySort = (LIBRARY_SORTS as readonly string[]).includes(sortParam) ? (sortParam as LibrarySort) : "lastUsed";
  const archived = params.get("archived") === "on";
  const entries = await listLibrary(staff.em, staff.workspace.id, { q, sort, archived });
  const notice = params.get("notice");
  return {
    q,
    sort,
    archived,
    timezone: staff.workspace.timezone,
    notice: notice && notice in NOTICES ? NOTICES[notice as keyof typeof NOTICES] : null,
    entries: entries.map((e) => ({ ...e, lastUsedAt: e.lastUsedAt?.toISOString() ?? null, archivedAt: e.archivedAt?.toISOString() ?? null, createdAt: e.createdAt.toISOString() })),
  };
}

export default function LibraryPage() {
  const { q, sort, archived, entries, notice, timezone } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  const day = (iso: string) => new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "es-EC", { dateStyle: "medium", timeZone: timezone }).format(new Date(iso));
  const filtered = q !== "" || archived;
  return (
    <>
      <h1>{msg("library.title")}</h1>
      <p>{msg("library.intro")}</p>
      <Notice message={notice ? msg(notice) : undefined} />
      <p className="actions">
        <Link to="/templates/library/new" className="button">
          {msg("library.new")}
        </Link>{" "}
        <Link to="/templates/drafts">{msg("aiDrafts.link")}</Link>
      </p>
      <Form method="get" className="card filters" role="search">
        <div className="field">
          <label htmlFor="q">{msg("library.search")}</label>
          <input id="q" name="q" type="search" defaultValue={q} maxLength={100} aria-describedby="q-hint" />
          <p id="q-hint" className="hint">
            {msg("library.search.hint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor="sort">{msg("library.sort")}</label>
          <select id="sort" name="sort" defaultValue={sort}>
            {LIBRARY_SORTS.map((s) => (
              <option key={s} value={s}>
                {msg(`library.sort.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field checkbox">
          <label>
            <input type="checkbox" name="archived" value="on" defaultChecked={archived} /> {msg("library.showArchived")}
          </label>
        </div>
        <button type="submit" className="secondary">
          {msg("library.filter")}
        </button>
      </Form>
      {entries.length === 0 ? (
        <section className="card empty-state">
          <p>{filtered ? msg("library.noMatch") : msg("library.empty")}</p>
        </section>
      ) : (
        <ul className="template-list library-list" data-testid="library-list">
          {entries.map((e) => (
            <li key={e.id} className="card">
              <h2>
                <Link to={`/templates/library/${e.id}`}>{e.name}</Link>
                {e.archivedAt ? <span className="badge muted"> {msg("library.archivedBadge")}</span> : null}
                {e.forWhatsapp && e.whatsappStatus !== "DRAFT" ? (
                  <span className="badge" data-testid="library-whatsapp-badge">
                    {" "}
                    {msg(`library.whatsapp.badge.${e.whatsappStatus}`)}
                  </span>
                ) : null}
              </h2>
              {e.objective ? <p className="muted">{e.objective}</p> : null}
              <p className="template-body">{e.body}</p>
              <p className="muted" data-testid="library-usage">
                {msg(`library.category.${e.category}`)} · {msg("library.usage", { count: e.usageCount })}
                {e.lastUsedAt ? ` · ${msg("library.lastUsed", { date: day(e.lastUsedAt) })}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
