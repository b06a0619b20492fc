// One library text: edit (checked before save, nothing typed is lost), duplicate, archive; and its
// preview for a real contact of the workspace — the variables filled from that contact's data, the
// SMS segments and encoding, and the credits per message and for N recipients (WhatsApp by the
// text's category). The contact picker and the preview are a GET form: they work without JavaScript.
// The owner submits the text to WhatsApp as a template of the practice's own account and sees where
// its approval stands (a WhatsApp broadcast needs it approved).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  AccountsError,
  checkLibraryWhatsApp,
  duplicateLibraryEntry,
  findLibraryEntry,
  libraryWhatsAppState,
  previewLibraryText,
  SAMPLE_VALUES,
  setLibraryEntryArchived,
  submitLibraryToWhatsApp,
  updateLibraryEntry,
  type LibraryPreview,
} from "@rm/accounts";
import { ContactsError, listContacts, parseContactFilters, recipientValues } from "@rm/contacts";
import { formatPhone } from "@rm/domain";
import { contactsViewerOf } from "../.server/contacts.server.ts";
import { formFailure, formObject, str } from "../.server/forms.server.ts";
import { categoryCredits } from "../.server/library.server.ts";
import { ownSenderDeps } from "../.server/own-sender.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, fieldTexts, FormError, formText, Notice } from "../components/forms.tsx";
import { EntryFields, type EntryValues } from "../components/library-entry.tsx";
import { textIn, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Biblioteca de mensajes · Reputation Manager" }];

const NOTICES = { created: "library.created", saved: "library.saved", duplicated: "library.duplicated", "wa-submitted": "library.whatsapp.submitted", "wa-checked": "library.whatsapp.checked" } as const;
const DEFAULT_RECIPIENTS = 100;
const MAX_RECIPIENTS = 1_000_000;

interface Recipient {
  id: string;
  label: string;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const entry = (await findLibraryEntry(staff.em, params.id)) ?? notFound();
  const search = new URL(request.url).searchParams;
  const viewer = contactsViewerOf(staff);
  const country = staff.workspace.defaultCountry;
  const phone = (p: string) => formatPhone(p, country);

  // The picker: contacts of this workspace matching the search, most recently in contact first.
  const cq = (search.get("cq") ?? "").slice(0, 100);
  const page = await listContacts(staff.em, viewer, parseContactFilters(new URLSearchParams(cq ? { q: cq } : {})), { timezone: staff.workspace.timezone, country, limit: 20 });
  const contacts: Recipient[] = page.items.filter((c) => !c.erasedAt).map((c) => ({ id: c.id, label: c.name ? `${c.name} · ${phone(c.phone)}` : phone(c.phone) }));

  const nParam = search.get("n");
  const n = nParam === null || nParam === "" ? DEFAULT_RECIPIENTS : Number(nParam);
  const recipientsError = !Number.isInteger(n) || n < 1 || n > MAX_RECIPIENTS;
  const recipients = recipientsError ? DEFAULT_RECIPIENTS : n;

  // The chosen contact's values: only ever a contact of this workspace (another's id is "not found").
  const contactId = search.get("contact") ?? "";
  let chosen: { id: string; label: string; erased: boolean } | null = null;
  let contactError = false;
  let values: Record<string, string | null> = { name: SAMPLE_VALUES.name ?? null, practice: SAMPLE_VALUES.practice ?? null, doctor: SAMPLE_VALUES.doctor ?? null };
  if (contactId) {
    try {
      const r = await recipientValues(staff.em, viewer, contactId);
      values = { name: r.name, practice: r.practice, doctor: r.doctor };
      chosen = { id: r.contactId, label: r.name ? `${r.name} · ${phone(r.phone)}` : phone(r.phone), erased: r.erased };
      if (!contacts.some((c) => c.id === chosen?.id)) contacts.unshift({ id: chosen.id, label: chosen.label });
    } catch (error) {
      if (!(error instanceof ContactsError) || error.code !== "not_found") throw error;
      contactError = true;
    }
  }
  const preview: LibraryPreview = previewLibraryText(entry, values, recipients, categoryCredits());
  const whatsapp = await libraryWhatsAppState(staff.em, staff.workspace.id, entry.id);
  return {
    whatsapp,
    canSubmitWhatsApp: staff.user.role === "OWNER",
    rates: categoryCredits(),
    entry: {
      id: entry.id,
      name: entry.name ?? "",
      objective: entry.objective ?? "",
      body: entry.body,
      category: entry.category,
      forWhatsapp: entry.forWhatsapp,
      usageCount: entry.usageCount,
      lastUsedAt: entry.lastUsedAt?.toISOString() ?? null,
      archived: entry.archivedAt != null,
    },
    timezone: staff.workspace.timezone,
    picker: { cq, contacts, contactId: chosen?.id ?? "", n: nParam ?? String(DEFAULT_RECIPIENTS) },
    chosen,
    contactError,
    recipientsError,
    preview,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const entry = (await findLibraryEntry(staff.em, params.id)) ?? notFound();
  const form = await request.formData();
  const intent = str(form, "intent") || "save";
  const actor = actorOf(staff);
  // The practice's Twilio account is the owner's business, as on the WhatsApp template pages.
  if ((intent === "wa-submit" || intent === "wa-check") && staff.user.role !== "OWNER") throw data({ error: "forbidden" }, { status: 403 });
  try {
    if (intent === "wa-submit" || intent === "wa-check") {
      const deps = ownSenderDeps();
      if (!deps) throw new AccountsError("own_sender.not_connected", { code: "library.whatsapp.error.notConnected", params: {} });
      const owner = { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip };
      if (intent === "wa-submit") await submitLibraryToWhatsApp(staff.em, deps, owner, entry.id);
      else await checkLibraryWhatsApp(staff.em, deps, owner, entry.id);
      throw redirect(`/templates/library/${entry.id}?notice=${intent === "wa-submit" ? "wa-submitted" : "wa-checked"}#whatsapp-title`);
    }
    if (intent === "duplicate") {
      const copy = await duplicateLibraryEntry(staff.em, actor, entry.id, staff.workspace.defaultLanguage === "en" ? " (copy)" : " (copia)");
      throw redirect(`/templates/library/${copy.id}?notice=duplicated`);
    }
    if (intent === "archive" || intent === "unarchive") {
      await setLibraryEntryArchived(staff.em, actor, entry.id, intent === "archive");
      throw redirect(intent === "archive" ? "/templates/library?notice=archived" : `/templates/library/${entry.id}?notice=unarchived`);
    }
    await updateLibraryEntry(staff.em, actor, entry.id, formObject(form));
    throw redirect(`/templates/library/${entry.id}?notice=saved`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return formFailure(error, form, intent);
  }
}

export default function LibraryEntryPage() {
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const locale = useLocale();
  const [search] = useSearchParams();
  const notice = search.get("notice");
  const noticeCode = notice === "unarchived" ? "library.unarchivedNotice" : notice && notice in NOTICES ? NOTICES[notice as keyof typeof NOTICES] : null;
  const e = loaded.entry;
  const waFailure = failure?.intent === "wa-submit" || failure?.intent === "wa-check" ? failure : undefined;
  const entryFailure = waFailure ? undefined : failure;
  const values: EntryValues = entryFailure
    ? { name: "", objective: "", body: "", category: "", forWhatsapp: "", ...entryFailure.values }
    : { name: e.name, objective: e.objective, body: e.body, category: e.category, forWhatsapp: e.forWhatsapp ? "on" : "" };
  return (
    <>
      <p>
        <Link to="/templates/library">{msg("library.back")}</Link>
      </p>
      <h1>{e.name}</h1>
      <Notice message={noticeCode ? msg(noticeCode) : undefined} />
      {e.archived ? <p className="warning-box">{msg("library.isArchived")}</p> : null}
      <p className="muted" data-testid="entry-usage">
        {msg("library.usage", { count: e.usageCount })}
        {e.lastUsedAt ? ` · ${msg("library.lastUsed", { date: new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "es-EC", { dateStyle: "medium", timeZone: loaded.timezone }).format(new Date(e.lastUsedAt)) })}` : ""}
      </p>
      <div className="editor">
        <Form method="post" noValidate className="card" id="library-form">
          <CsrfInput />
          <FormError message={formText(entryFailure)} />
          <EntryFields values={values} errors={fieldTexts(entryFailure)} rates={loaded.rates} />
          <div className="buttons">
            <button type="submit" name="intent" value="save">
              {msg("library.save")}
            </button>
            <button type="submit" name="intent" value="duplicate" className="secondary">
              {msg("library.duplicate")}
            </button>
            <button type="submit" name="intent" value={e.archived ? "unarchive" : "archive"} className="secondary">
              {e.archived ? msg("library.unarchive") : msg("library.archive")}
            </button>
          </div>
        </Form>
        <RecipientPreview />
      </div>
      <WhatsAppSection failure={waFailure} />
    </>
  );
}

/** Where the text stands as a WhatsApp template of the own account, and the owner's submit / check buttons. */
function WhatsAppSection({ failure }: { failure: Parameters<typeof formText>[0] }) {
  const { whatsapp, canSubmitWhatsApp, entry } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  if (!whatsapp || !entry.forWhatsapp) return null;
  const shown = whatsapp.paused ? "PAUSED" : whatsapp.status;
  return (
    <section className="card" aria-labelledby="whatsapp-title" data-testid="library-whatsapp">
      <h2 id="whatsapp-title">{msg("library.whatsapp.title")}</h2>
      <p className="muted">{msg("library.whatsapp.intro")}</p>
      <FormError message={formText(failure)} />
      {!whatsapp.connected ? (
        <p className="hint">{msg("library.whatsapp.notConnected")}</p>
      ) : (
        <>
          <dl className="stats">
            <div>
              <dt>{msg("library.whatsapp.status")}</dt>
              <dd data-testid="whatsapp-status" data-status={shown}>
                {msg(`library.whatsapp.status.${shown}`)}
              </dd>
            </div>
            <div>
              <dt>{msg("library.field.category")}</dt>
              <dd>{msg(`library.category.${whatsapp.category === "UTILITY" ? "UTILITY" : "MARKETING"}`)}</dd>
            </div>
          </dl>
          {whatsapp.rejectionReason ? <p className="warning-box">{msg("library.whatsapp.reason", { reason: whatsapp.rejectionReason })}</p> : null}
          {whatsapp.problem ? <p className="hint">{textIn(whatsapp.problem, locale)}</p> : null}
          {!whatsapp.switched ? <p className="hint">{msg("library.whatsapp.notSwitched")}</p> : null}
          {canSubmitWhatsApp ? (
            <Form method="post" className="buttons">
              <CsrfInput />
              {whatsapp.status === "DRAFT" ? (
                <button type="submit" name="intent" value="wa-submit" disabled={whatsapp.problem !== null}>
                  {msg("library.whatsapp.submit")}
                </button>
              ) : null}
              {whatsapp.status === "PENDING" || whatsapp.status === "APPROVED" ? (
                <button type="submit" name="intent" value="wa-check" className="secondary">
                  {msg("library.whatsapp.check")}
                </button>
              ) : null}
            </Form>
          ) : null}
        </>
      )}
    </section>
  );
}

function RecipientPreview() {
  const { picker, chosen, contactError, recipientsError, preview, entry } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const encoding = preview.encoding === "GSM7" ? "GSM-7" : "UCS-2";
  return (
    <section className="card analysis" aria-labelledby="preview-title" data-testid="recipient-preview">
      <h2 id="preview-title">{msg("library.preview.title")}</h2>
      <Form method="get" className="preview-picker">
        <div className="field">
          <label htmlFor="cq">{msg("library.preview.contactSearch")}</label>
          <input id="cq" name="cq" type="search" defaultValue={picker.cq} maxLength={100} />
        </div>
        <button type="submit" name="find" value="1" className="secondary small">
          {msg("library.preview.find")}
        </button>
        <div className="field">
          <label htmlFor="contact">{msg("library.preview.contact")}</label>
          {picker.contacts.length ? (
            <select id="contact" name="contact" defaultValue={picker.contactId}>
              <option value="">{msg("library.preview.pick")}</option>
              {picker.contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          ) : (
            <p className="muted">{msg("library.preview.noContacts")}</p>
          )}
        </div>
        <div className="field">
          <label htmlFor="n">{msg("library.preview.recipients")}</label>
          <input
            id="n"
            name="n"
            type="number"
            min={1}
            max={MAX_RECIPIENTS}
            inputMode="numeric"
            defaultValue={picker.n}
            {...(recipientsError ? { "aria-invalid": true, "aria-describedby": "n-error" } : {})}
          />
          {recipientsError ? (
            <p id="n-error" className="field-error">
              {msg("library.error.recipients")}
            </p>
          ) : null}
        </div>
        <button type="submit">{msg("library.preview.show")}</button>
      </Form>
      {contactError ? (
        <p className="error" role="alert">
          {msg("library.error.notFound")}
        </p>
      ) : null}
      <p className="muted">{chosen ? msg("library.preview.for", { who: chosen.label }) : msg("library.preview.sample")}</p>
      <p className="sms-preview" data-testid="recipient-text">
        {preview.text}
      </p>
      {chosen?.erased ? <p className="warning-box">{msg("library.preview.erased")}</p> : null}
      {preview.missing.length ? <p className="hint">{msg("library.preview.missing", { names: preview.missing.map((v) => `{{${v}}}`).join(", ") })}</p> : null}
      <dl className="stats">
        <div>
          <dt>{msg("library.preview.perMessage")}</dt>
          <dd data-testid="per-message">
            {msg("library.preview.sms", { credits: preview.credits.SMS, segments: preview.segments, encoding, characters: preview.characters })}
            <br />
            {msg("library.preview.whatsapp", { credits: preview.credits.WHATSAPP, category: msg(`library.category.${entry.category === "UTILITY" ? "UTILITY" : "MARKETING"}`) })}
          </dd>
        </div>
        <div>
          <dt>{msg("library.preview.forN", { n: preview.recipients })}</dt>
          <dd data-testid="for-n">
            {msg("library.preview.smsTotal", { credits: preview.total.SMS })}
            <br />
            {msg("library.preview.whatsapp", { credits: preview.total.WHATSAPP, category: msg(`library.category.${entry.category === "UTILITY" ? "UTILITY" : "MARKETING"}`) })}
          </dd>
        </div>
      </dl>
      {preview.nonGsmCharacters.length ? (
        <p className="muted">
          {msg("templates.analysis.nonGsm")} <strong>{preview.nonGsmCharacters.map((c) => `“${c}”`).join(" ")}</strong>
        </p>
      ) : null}
      <p className="hint">{msg("library.preview.estimate")}</p>
    </section>
  );
}
