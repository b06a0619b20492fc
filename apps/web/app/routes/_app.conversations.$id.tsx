// One conversation (SPEC §13): every message in and out in order (ratings shown as ratings, photos and
// voice notes through the app), feedback items and internal notes among them; assignment and status;
// the reply composer, which says before anything is written why a reply cannot go out (opted out,
// WhatsApp's window closed without a notice template, …) and shows the window's time left. Plain
// forms: everything works without JavaScript. Another workspace's thread, or another doctor's
// patient's, answers 404.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatPhone } from "@rm/domain";
import { addThreadNote, assignThreadAs, countWaitingThreads, createCannedReply, InboxError, loadThread, markThreadRead, replyInThread, setThreadAssistantAs, setThreadStatusAs } from "@rm/inbox";
import { NOTE_MAX_LENGTH, REPLY_MAX_LENGTH, THREAD_STATUSES } from "@rm/inbox/constants";
import { widgetVisitorOfThread } from "@rm/messaging";
import type { MessageCode } from "@rm/catalogue";
import { replySettings } from "../.server/conversations.server.ts";
import { formValues, str } from "../.server/forms.server.ts";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import { useLivePage } from "../components/live.tsx";
import { formatDateTime, msgFor, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const viewer = viewerOf(staff);
  const now = new Date();
  const thread = await loadThread(staff.em, viewer, params.id ?? "", { now, platformContentSids: replySettings().platformContentSids }).catch(throwInboxAccessError);
  // Opening the thread reads it (a GET writes only this viewer's read mark).
  await markThreadRead(staff.em, viewer, thread.id, now);
  const waiting = await countWaitingThreads(staff.em, viewer);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const msg = msgFor(await getLocale(request));
  // A web chat thread (SPEC §16): the phone the visitor typed, and whether answers may go to it by SMS.
  const visitor = thread.channel === "WEB" ? await widgetVisitorOfThread(staff.em, staff.workspace.id, thread.id) : null;
  return {
    title: msg("conversations.pageTitle", { count: waiting }),
    widgetPhone: visitor?.phone ? { phone: formatPhone(visitor.phone, staff.workspace.defaultCountry), confirmed: visitor.phoneConfirmed } : null,
    waiting,
    timezone: staff.workspace.timezone,
    canEditLibrary: staff.user.role !== "DOCTOR",
    thread: {
      ...thread,
      phone: formatPhone(thread.phone, staff.workspace.defaultCountry),
      waitingSince: iso(thread.waitingSince),
      lastInboundAt: iso(thread.lastInboundAt),
      pendingReply: thread.pendingReply ? { text: thread.pendingReply.text, expiresAt: thread.pendingReply.expiresAt.toISOString() } : null,
      pendingReplyLapsedAt: iso(thread.pendingReplyLapsedAt),
      options: thread.options.kind === "FREE_TEXT" ? { ...thread.options, windowEndsAt: iso(thread.options.windowEndsAt) } : thread.options,
      entries: thread.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    },
  };
}

interface ActionFailure {
  ok: false;
  intent: string;
  field: string;
  error: MessageCode;
  values: Record<string, string>;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const viewer = viewerOf(staff);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = str(form, "intent");
  const ctx = { ip: staff.ip };
  let done = "saved";
  try {
    switch (intent) {
      case "reply": {
        const out = await replyInThread(staff.em, viewer, id, str(form, "body"), { ...ctx, ...replySettings() });
        done = out.kind === "sent" ? "sent" : "held";
        break;
      }
      case "assign":
        await assignThreadAs(staff.em, viewer, id, str(form, "assignee"), ctx);
        break;
      case "status":
        await setThreadStatusAs(staff.em, viewer, id, str(form, "status"), ctx);
        break;
      case "note":
        await addThreadNote(staff.em, viewer, id, str(form, "note"), ctx);
        break;
      case "bot":
        await setThreadAssistantAs(staff.em, viewer, id, str(form, "bot"), ctx);
        done = "bot";
        break;
      case "canned":
        await loadThread(staff.em, viewer, id);
        await createCannedReply(staff.em, viewer, str(form, "title"), str(form, "cannedBody"), ctx);
        done = "canned";
        break;
      default:
        return data<ActionFailure>({ ok: false, intent, field: "intent", error: "conversations.status.invalid", values: formValues(form) }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof InboxError && (error.code === "invalid" || error.code === "conflict")) {
      return data<ActionFailure>({ ok: false, intent, field: error.field ?? "", error: error.message as MessageCode, values: formValues(form) }, { status: error.code === "conflict" ? 409 : 400 });
    }
    throwInboxAccessError(error);
  }
  throw redirect(`/conversations/${id}?done=${done}`);
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Entry = Loaded["thread"]["entries"][number];

function mediaKind(contentType: string): string {
  const top = contentType.split("/")[0] ?? "";
  return top === "image" || top === "audio" || top === "video" ? top : "other";
}

export default function ThreadPage() {
  const { thread, timezone, waiting, canEditLibrary, widgetPhone } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const [params] = useSearchParams();
  const msg = useMsg();
  const locale = useLocale();
  useLivePage(waiting);
  const when = (iso: string) => formatDateTime(iso, locale, timezone);
  const name = thread.patientName ?? (thread.channel === "WEB" ? msg("widget.thread.visitor") : msg("conversations.unknownPatient"));
  const done = params.get("done");
  const err = (intent: string) => (failure && failure.intent === intent ? msg(failure.error) : null);
  const options = thread.options;
  // A new staff message empties the composer; a patient's message arriving by a live poll does not.
  const composerKey = thread.entries.filter((e) => e.kind === "out" && (e.type === "STAFF_REPLY" || e.type === "STAFF_REPLY_NOTICE")).length;
  return (
    <>
      <p>
        <Link to="/conversations">{msg("conversations.back")}</Link>
      </p>
      <h1>
        {name} <span className="muted phone">{thread.phone}</span>
      </h1>
      <p className="muted">
        <span className="chip">{msg("conversations.channel", { channel: thread.channel })}</span> <span className="chip" data-testid="thread-status">{msg("conversations.status", { status: thread.status })}</span>
        {thread.urgent ? (
          <span className="chip danger" data-testid="thread-urgent">
            {" "}
            {msg("conversations.urgent")}
          </span>
        ) : null}
        {thread.waitingSince ? <span className="chip warning"> {msg("conversations.waiting")}</span> : null}
        {thread.leadStatus ? (
          <>
            {" "}
            <Link to="/leads" className="chip" data-testid="thread-lead">
              {msg("leads.threadChip", { status: thread.leadStatus })}
            </Link>
          </>
        ) : null}
        {thread.practiceName ? ` · ${thread.practiceName}` : ""} · <Link to={`/contacts/${thread.contactId}`}>{msg("conversations.contactLink")}</Link>
      </p>
      {widgetPhone ? (
        <p className="muted" data-testid="widget-phone">
          {msg("widget.thread.phone", { phone: widgetPhone.phone, confirmed: widgetPhone.confirmed ? "yes" : "no" })}
        </p>
      ) : null}
      {done === "sent" ? (
        <p className="notice" role="status">
          {msg("conversations.reply.sent")}
        </p>
      ) : null}
      {done === "held" && thread.pendingReply ? (
        <p className="notice" role="status">
          {msg("conversations.reply.held", { until: when(thread.pendingReply.expiresAt) })}
        </p>
      ) : null}
      {done === "saved" ? (
        <p className="notice" role="status">
          {msg("conversations.saved")}
        </p>
      ) : null}
      {thread.urgent ? (
        <p className="error" role="alert" data-testid="urgent-banner">
          {msg("conversations.urgent.banner")}
        </p>
      ) : null}
      {done === "bot" ? (
        <p className="notice" role="status">
          {msg("conversations.bot.saved")}
        </p>
      ) : null}
      {done === "canned" ? (
        <p className="notice" role="status">
          {msg("conversations.canned.saved")}
        </p>
      ) : null}

      <section className="card" aria-labelledby="messages-title">
        <h2 id="messages-title">{msg("conversations.messages")}</h2>
        <ol className="thread-entries" data-testid="thread-entries" aria-live="polite">
          {thread.entries.map((e) => (
            <ThreadEntryItem key={`${e.kind}-${e.id}`} entry={e} threadId={thread.id} name={name} when={when} />
          ))}
        </ol>
      </section>

      <section className="card" aria-labelledby="reply-title" data-testid="composer">
        <h2 id="reply-title">{msg("conversations.reply.title")}</h2>
        {thread.pendingReply ? (
          <p className="notice" data-testid="pending-reply">
            {msg("conversations.pending.waiting", { until: when(thread.pendingReply.expiresAt) })}
          </p>
        ) : null}
        {thread.pendingReplyLapsedAt && !thread.pendingReply ? (
          <p className="error" data-testid="pending-lapsed">
            {msg("conversations.pending.lapsed", { at: when(thread.pendingReplyLapsedAt) })}
          </p>
        ) : null}
        {options.kind === "BLOCKED" ? (
          <p className="error" role="status" data-testid="reply-blocked">
            {msg(`conversations.blocked.${options.reason}` as MessageCode)}
          </p>
        ) : options.kind === "PENDING_REPLY" ? (
          <p className="hint" data-testid="reply-window">
            {msg("conversations.reply.pending")}
          </p>
        ) : options.remainingMs !== null ? (
          <p className="hint" data-testid="reply-window">
            {msg("conversations.reply.window", { hours: Math.floor(options.remainingMs / 3_600_000), minutes: Math.floor((options.remainingMs % 3_600_000) / 60_000) })}
          </p>
        ) : (
          <p className="hint" data-testid="reply-window">
            {thread.channel === "WEB" ? msg("widget.thread.replyHint") : msg("conversations.reply.sms")}
          </p>
        )}
        <Form method="post" aria-labelledby="reply-title" key={composerKey}>
          <CsrfInput />
          <input type="hidden" name="intent" value="reply" />
          <fieldset disabled={options.kind === "BLOCKED"}>
            <div className="field">
              <label htmlFor="reply-body">{msg("conversations.reply.label")}</label>
              <textarea
                id="reply-body"
                name="body"
                rows={4}
                maxLength={REPLY_MAX_LENGTH}
                required
                defaultValue={failure?.intent === "reply" ? (failure.values.body ?? "") : ""}
                {...(err("reply") ? { "aria-invalid": true, "aria-describedby": "reply-error" } : {})}
              />
              {err("reply") ? (
                <p id="reply-error" className="field-error">
                  {err("reply")}
                </p>
              ) : null}
            </div>
            <button type="submit">{options.kind === "PENDING_REPLY" ? msg("conversations.reply.hold") : msg("conversations.reply.send")}</button>
          </fieldset>
        </Form>
        {thread.canned.length > 0 ? (
          <details>
            <summary>{msg("conversations.canned.label")}</summary>
            <ul className="canned-list">
              {thread.canned.map((c) => (
                <li key={c.id}>
                  <strong>{c.title}</strong>
                  <p className="muted">{c.body}</p>
                  {options.kind !== "BLOCKED" ? (
                    <Form method="post">
                      <CsrfInput />
                      <input type="hidden" name="intent" value="reply" />
                      <input type="hidden" name="body" value={c.body} />
                      <button type="submit" className="secondary">
                        {msg("conversations.canned.use")}: {c.title}
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <section className="card" aria-labelledby="manage-title">
        <h2 id="manage-title">{msg("conversations.manage")}</h2>
        <Form method="post" className="inline-fields">
          <CsrfInput />
          <input type="hidden" name="intent" value="assign" />
          <div className="field">
            <label htmlFor="assignee">{msg("conversations.assignee.label")}</label>
            <select id="assignee" name="assignee" defaultValue={thread.assigneeId ?? ""}>
              <option value="">{msg("conversations.nobody")}</option>
              {thread.staff.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            {msg("conversations.assignee.save")}
          </button>
        </Form>
        <Form method="post" className="inline-fields">
          <CsrfInput />
          <input type="hidden" name="intent" value="status" />
          <div className="field">
            <label htmlFor="status">{msg("conversations.status.label")}</label>
            <select id="status" name="status" defaultValue={thread.status}>
              {THREAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {msg("conversations.status", { status: s })}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            {msg("conversations.status.save")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="bot-title" data-testid="thread-bot">
        <h2 id="bot-title">{msg("conversations.bot.legend")}</h2>
        <p>{thread.botOff ? msg("conversations.bot.off") : msg("conversations.bot.on")}</p>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="bot" />
          <input type="hidden" name="bot" value={thread.botOff ? "on" : "off"} />
          <button type="submit" className="secondary">
            {thread.botOff ? msg("conversations.bot.turnOn") : msg("conversations.bot.turnOff")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="note-title">
        <h2 id="note-title">{msg("conversations.note.title")}</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="note" />
          <div className="field">
            <label htmlFor="note">{msg("conversations.note.title")}</label>
            <textarea id="note" name="note" rows={3} maxLength={NOTE_MAX_LENGTH} required aria-describedby="note-hint" />
            <p id="note-hint" className="hint">
              {msg("conversations.note.hint")}
            </p>
            {err("note") ? <p className="field-error">{err("note")}</p> : null}
          </div>
          <button type="submit" className="secondary">
            {msg("conversations.note.save")}
          </button>
        </Form>
      </section>

      {canEditLibrary ? (
        <section className="card" aria-labelledby="canned-title">
          <h2 id="canned-title">{msg("conversations.canned.add")}</h2>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="canned" />
            <div className="field">
              <label htmlFor="canned-title-input">{msg("conversations.canned.titleLabel")}</label>
              <input id="canned-title-input" name="title" maxLength={80} required />
            </div>
            <div className="field">
              <label htmlFor="canned-body">{msg("conversations.canned.bodyLabel")}</label>
              <textarea id="canned-body" name="cannedBody" rows={3} maxLength={REPLY_MAX_LENGTH} required />
            </div>
            {err("canned") ? <p className="field-error">{err("canned")}</p> : null}
            <button type="submit" className="secondary">
              {msg("conversations.canned.save")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

function ThreadEntryItem({ entry: e, threadId, name, when }: { entry: Entry; threadId: string; name: string; when: (iso: string) => string }) {
  const msg = useMsg();
  switch (e.kind) {
    case "in":
      return (
        <li className="entry in" data-testid="entry-in">
          <span className="entry-head">
            {msg("conversations.entry.in", { name })} · <time dateTime={e.at}>{when(e.at)}</time>
          </span>
          {e.intent === "RATING" && e.rating ? <p className="rating" data-testid="entry-rating">{msg("conversations.entry.rating", { rating: e.rating })}</p> : null}
          {e.body ? <p className="entry-body">{e.body}</p> : null}
          {e.media.map((m) => (
            <p key={m.index}>
              <a href={`/conversations/${threadId}/media/${e.id}/${m.index}`}>{msg("conversations.media", { index: m.index + 1, kind: mediaKind(m.contentType) })}</a>
            </p>
          ))}
        </li>
      );
    case "out":
      return (
        <li className={e.type.startsWith("BOT_") ? "entry out bot" : "entry out"} data-testid={e.type.startsWith("BOT_") ? "entry-bot" : "entry-out"}>
          <span className="entry-head">
            {msg("conversations.entry.out", { type: e.type, author: e.authorName ?? "" })} · {msg("conversations.channel", { channel: e.channel })} · <time dateTime={e.at}>{when(e.at)}</time> ·{" "}
            <span data-testid="entry-delivery">{msg("conversations.entry.delivery", { status: e.status })}</span>
          </span>
          {e.body ? <p className="entry-body">{e.body}</p> : null}
          {e.errorText ? <p className="muted">{e.errorText}</p> : null}
        </li>
      );
    case "feedback":
      return (
        <li className="entry feedback" data-testid="entry-feedback">
          <span className="entry-head">
            {msg("conversations.entry.feedback", { source: e.source })} · <time dateTime={e.at}>{when(e.at)}</time>
          </span>
          {e.rating ? <p className="rating">{msg("conversations.entry.rating", { rating: e.rating })}</p> : null}
          {e.text ? <p className="entry-body">{e.text}</p> : null}
        </li>
      );
    case "note":
      return (
        <li className="entry note" data-testid="entry-note">
          <span className="entry-head">
            {msg("conversations.entry.note", { author: e.authorName ?? "" })} · <time dateTime={e.at}>{when(e.at)}</time>
          </span>
          <p className="entry-body">{e.body}</p>
        </li>
      );
  }
}
