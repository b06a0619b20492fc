// Contactos (SPEC §13): every phone of the workspace with its latest name, labels, last contact and
// opt-out, most recent first in keyset pages; search by name or phone (E.164 or national format) and
// filters by label, last contact and opt-out in a plain GET form; the filtered list as a CSV. Owners
// and reception see every contact, a doctor those with an appointment of theirs. The owner keeps
// the workspace's labels here (create, delete: plain POST forms). Works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ContactsError, createLabel, deleteLabel, listContacts, listLabels, parseContactFilters, type ContactFilters } from "@rm/contacts";
import { LABEL_NAME_MAX_LENGTH, SEARCH_MAX_LENGTH } from "@rm/contacts/constants";
import type { MessageCode } from "@rm/catalogue";
import { formatPhone } from "@rm/domain";
import { contactsFormError, contactsViewerOf, throwContactsAccessError } from "../.server/contacts.server.ts";
import { notFound, requireRole, requireUser } from "../.server/staff.server.ts";
import { SelectFilter } from "../components/filters.tsx";
import { CsrfInput } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Contactos · Reputation Manager" }];

/** The query string of the filters (without the page cursor), for links, the pager and the export. */
function filterQuery(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ["q", "label", "before", "since", "optedOut"]) for (const v of params.getAll(key)) if (v !== "") out.append(key, v);
  return out;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const url = new URL(request.url);
  const viewer = contactsViewerOf(staff);
  const labels = await listLabels(staff.em, staff.workspace.id);
  const base = {
    timezone: staff.workspace.timezone,
    labels: labels.map((l) => ({ id: l.id, name: l.name, contacts: l.contacts })),
    isOwner: staff.user.role === "OWNER",
    isDoctor: staff.user.role === "DOCTOR",
    query: filterQuery(url.searchParams).toString(),
  };
  let filters: ContactFilters;
  try {
    filters = parseContactFilters(url.searchParams);
  } catch (error) {
    if (!(error instanceof ContactsError) || error.code !== "invalid") throw error;
    // A hand-edited or stale link: say what is wrong, show nothing rather than a widened list.
    return data({ ...base, filterError: error.text as string, items: [], next: null, paged: false, filtered: true }, { status: 400 });
  }
  // Another workspace's label (or one deleted since) answers 404, never a list that ignores it.
  if (!filters.labelIds.every((id) => labels.some((l) => l.id === id))) notFound();
  const page = await listContacts(staff.em, viewer, filters, { timezone: staff.workspace.timezone, country: staff.workspace.defaultCountry }).catch(throwContactsAccessError);
  return {
    ...base,
    filterError: null as string | null,
    items: page.items.map((c) => ({
      id: c.id,
      name: c.name,
      moreNames: Math.max(c.names - 1, 0),
      phone: formatPhone(c.phone, staff.workspace.defaultCountry),
      labels: c.labels.map((l) => l.name),
      lastContactAt: c.lastContactAt?.toISOString() ?? null,
      optedOut: c.optedOutAt !== null,
      erased: c.erasedAt !== null,
    })),
    next: page.next,
    paged: filters.after !== null,
    filtered: filters.q !== null || filters.labelIds.length > 0 || filters.before !== null || filters.since !== null || filters.optedOut !== null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  // Labels are the workspace's settings: the owner's.
  requireRole(staff, ROLES.OWNER);
  const form = await request.formData();
  const intent = form.get("intent");
  const viewer = contactsViewerOf(staff);
  try {
    if (intent === "label.create") {
      await createLabel(staff.em, viewer, String(form.get("name") ?? ""), { ip: staff.ip });
      throw redirect("/contacts?notice=labelCreated");
    }
    if (intent === "label.delete") {
      await deleteLabel(staff.em, viewer, String(form.get("label") ?? ""), { ip: staff.ip });
      throw redirect("/contacts?notice=labelDeleted");
    }
  } catch (error) {
    const failure = contactsFormError(error);
    if (failure) return data({ error: failure.text as string, name: String(form.get("name") ?? "") }, { status: failure.code === "conflict" ? 409 : 400 });
    if (error instanceof ContactsError && error.code === "not_found") return data({ error: error.text as string, name: "" }, { status: 404 });
    throwContactsAccessError(error);
  }
  return data({ error: "contacts.error.unknownAction", name: "" }, { status: 400 });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ContactsPage() {
  const loaded = useLoaderData<typeof loader>();
  const msg = useMsg();
  const [params] = useSearchParams();
  const notice = params.get("notice");
  return (
    <>
      <h1>{msg("contacts.list.title")}</h1>
      <p className="muted">{msg(loaded.isDoctor ? "contacts.list.intro.doctor" : "contacts.list.intro.all")}</p>
      {notice === "labelCreated" || notice === "labelDeleted" ? (
        <p className="notice" role="status">
          {msg(notice === "labelCreated" ? "contacts.labels.created" : "contacts.labels.deleted")}
        </p>
      ) : null}
      <ContactFiltersForm labels={loaded.labels} />
      {loaded.filterError ? (
        <section className="card">
          <p className="error" role="alert">
            {msg(loaded.filterError as MessageCode & "contacts.filter.badDate")} {msg("contacts.filterProblem")}
          </p>
          <Link to="/contacts">{msg("contacts.list.clear")}</Link>
        </section>
      ) : (
        <>
          <p>
            <a href={`/contacts.csv${loaded.query ? `?${loaded.query}` : ""}`} download data-testid="contacts-export">
              {msg("contacts.list.export")}
            </a>
          </p>
          {loaded.items.length === 0 ? (
            <section className="card empty-state">
              <p>{msg(loaded.filtered ? "contacts.list.noMatch" : "contacts.list.empty")}</p>
            </section>
          ) : (
            <ContactsTable items={loaded.items} timezone={loaded.timezone} />
          )}
          <p className="pager">
            {loaded.paged ? <Link to={`/contacts${loaded.query ? `?${loaded.query}` : ""}`}>{msg("contacts.pager.first")}</Link> : null}
            {loaded.next ? (
              <Link to={`/contacts?${new URLSearchParams([...new URLSearchParams(loaded.query), ["after", loaded.next]]).toString()}`} data-testid="contacts-next">
                {msg("contacts.pager.next")}
              </Link>
            ) : null}
          </p>
        </>
      )}
      <LabelsSection labels={loaded.labels} isOwner={loaded.isOwner} />
    </>
  );
}

function ContactFiltersForm({ labels }: { labels: Loaded["labels"] }) {
  const msg = useMsg();
  const [params] = useSearchParams();
  return (
    <Form method="get" className="card filters" aria-label={msg("contacts.list.filter")} data-testid="contacts-filters">
      <div className="field">
        <label htmlFor="f-q">{msg("contacts.list.search")}</label>
        <input id="f-q" name="q" type="search" maxLength={SEARCH_MAX_LENGTH} defaultValue={params.get("q") ?? ""} aria-describedby="f-q-hint" />
        <p id="f-q-hint" className="hint">
          {msg("contacts.list.searchHint")}
        </p>
      </div>
      <SelectFilter
        id="f-label"
        name="label"
        label={msg("contacts.list.label")}
        allLabel={msg("contacts.list.anyLabel")}
        defaultValue={params.get("label") ?? ""}
        options={labels.map((l) => ({ value: l.id, label: l.name }))}
      />
      <div className="field">
        <label htmlFor="f-before">{msg("contacts.list.before")}</label>
        <input id="f-before" name="before" type="date" defaultValue={params.get("before") ?? ""} aria-describedby="f-before-hint" />
        <p id="f-before-hint" className="hint">
          {msg("contacts.list.beforeHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor="f-since">{msg("contacts.list.since")}</label>
        <input id="f-since" name="since" type="date" defaultValue={params.get("since") ?? ""} />
      </div>
      <SelectFilter
        id="f-opted"
        name="optedOut"
        label={msg("contacts.list.optedOut")}
        allLabel={msg("contacts.list.optedOut.any")}
        defaultValue={params.get("optedOut") ?? ""}
        options={[
          { value: "yes", label: msg("contacts.list.optedOut.yes") },
          { value: "no", label: msg("contacts.list.optedOut.no") },
        ]}
      />
      <div className="buttons">
        <button type="submit">{msg("contacts.list.filter")}</button>
        <Link to="/contacts">{msg("contacts.list.clear")}</Link>
      </div>
    </Form>
  );
}

function ContactsTable({ items, timezone }: { items: Loaded["items"]; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <div className="table-scroll">
      <table className="card contacts-table" data-testid="contacts-table">
        <caption className="visually-hidden">{msg("contacts.list.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{msg("contacts.col.name")}</th>
            <th scope="col">{msg("contacts.col.phone")}</th>
            <th scope="col">{msg("contacts.col.labels")}</th>
            <th scope="col">{msg("contacts.col.lastContact")}</th>
            <th scope="col">{msg("contacts.col.state")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-testid="contact-row">
              <th scope="row">
                <Link to={`/contacts/${c.id}`}>{c.name ?? msg("contacts.noName")}</Link>
                {c.moreNames > 0 ? <span className="muted"> {msg("contacts.moreNames", { count: c.moreNames })}</span> : null}
              </th>
              <td className="phone">{c.phone}</td>
              <td>
                {c.labels.length > 0 ? (
                  <ul className="labels">
                    {c.labels.map((l) => (
                      <li key={l} className="label-chip">
                        {l}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
              <td className="when">{c.lastContactAt ? formatDateTime(c.lastContactAt, locale, timezone) : msg("contacts.never")}</td>
              <td>{c.erased ? msg("contacts.state.erased") : c.optedOut ? msg("contacts.state.optedOut") : msg("contacts.state.active")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The workspace's labels: everyone sees them and their counts; the owner creates and deletes them. */
function LabelsSection({ labels, isOwner }: { labels: Loaded["labels"]; isOwner: boolean }) {
  const msg = useMsg();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const deleting = isOwner ? labels.find((l) => l.id === params.get("deleteLabel")) : undefined;
  return (
    <section className="card" aria-labelledby="labels-title" data-testid="labels-section">
      <h2 id="labels-title">{msg("contacts.labels.title")}</h2>
      {deleting ? (
        // The confirmation step of a deletion: a GET page, then a POST with the CSRF token.
        <Form method="post" className="confirm" data-testid="label-delete-confirm">
          <p>{msg("contacts.labels.deleteBody", { name: deleting.name, count: deleting.contacts })}</p>
          <CsrfInput />
          <input type="hidden" name="intent" value="label.delete" />
          <input type="hidden" name="label" value={deleting.id} />
          <div className="buttons">
            <button type="submit" className="danger">
              {msg("contacts.labels.deleteConfirm")}
            </button>
            <Link to="/contacts">{msg("contacts.actions.cancel")}</Link>
          </div>
        </Form>
      ) : null}
      {labels.length === 0 ? (
        <p className="muted">{msg("contacts.labels.none")}</p>
      ) : (
        <ul className="label-list">
          {labels.map((l) => (
            <li key={l.id}>
              <Link to={`/contacts?label=${l.id}`} className="label-chip">
                {l.name}
              </Link>{" "}
              <span className="muted">{msg("contacts.labels.count", { count: l.contacts })}</span>
              {isOwner ? (
                <Link to={`/contacts?deleteLabel=${l.id}#labels-title`} className="muted">
                  {msg("contacts.labels.delete", { name: l.name })}
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {isOwner ? (
        <Form method="post" data-testid="label-create">
          <CsrfInput />
          <input type="hidden" name="intent" value="label.create" />
          <div className="field">
            <label htmlFor="label-name">{msg("contacts.labels.new")}</label>
            <input
              id="label-name"
              name="name"
              required
              maxLength={LABEL_NAME_MAX_LENGTH}
              defaultValue={failure?.name ?? ""}
              {...(failure?.error ? { "aria-invalid": true as const, "aria-describedby": "label-name-error" } : {})}
            />
            {failure?.error ? (
              <p id="label-name-error" className="field-error">
                {msg(failure.error as "contacts.label.exists")}
              </p>
            ) : null}
          </div>
          <div className="buttons">
            <button type="submit">{msg("contacts.labels.create")}</button>
          </div>
        </Form>
      ) : (
        <p className="muted">{msg("contacts.labels.ownerOnly")}</p>
      )}
    </section>
  );
}
