// /widget/:key — the web chat (SPEC §16, decision 032), shown in an iframe on a practice's website by
// /widget.js, and on its own without JavaScript: every action is a plain form post that redirects back
// (the visitor's token travels in the address, `v`). With JavaScript the page also checks for new staff
// answers every WIDGET_POLL_SECONDS and remembers the token in this origin's storage. Only the
// workspace's allowed origins (and our own settings preview) may frame it: `frame-ancestors`.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useNavigation, useRevalidator } from "@remix-run/react";
import { createMsg } from "@rm/catalogue";
import { confirmPhoneCode, findVisitor, findWidgetByKey, postVisitorMessage, requestPhoneCode, visitorView, WIDGET_LIMITS, WidgetError, type WidgetErrorCode, type WidgetRow } from "@rm/messaging";
import { formatPhone } from "@rm/domain";
import { useEffect, useRef, useState } from "react";
import { str } from "../.server/forms.server.ts";
import { logger } from "../.server/logger.server.ts";
import { automaticHandling, FRAME_ANCESTORS_HEADER, limitWidgetCode, limitWidgetMessage, widgetLocale, widgetOptions } from "../.server/widget.server.ts";
import widgetStyles from "../components/widget.css?url";
import { useMsg } from "../i18n.ts";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: createMsg(d?.language ?? "es")("widget.title", { practice: d?.practice ?? "" }) },
  { name: "robots", content: "noindex" },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: widgetStyles }];

const PAGE_HEADERS = { "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex" };

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const h: Record<string, string> = { ...PAGE_HEADERS, [FRAME_ANCESTORS_HEADER]: actionHeaders.get(FRAME_ANCESTORS_HEADER) ?? loaderHeaders.get(FRAME_ANCESTORS_HEADER) ?? "'none'" };
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) h["Retry-After"] = retryAfter;
  return h;
};

/** Our own pages (the settings preview) and the workspace's allowed origins. */
function frameAncestors(widget: WidgetRow): string {
  return ["'self'", ...widget.allowedOrigins].join(" ");
}

function notFound(): never {
  throw data(null, { status: 404, headers: PAGE_HEADERS });
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const widget = (await findWidgetByKey(context.em, params.key ?? "")) ?? notFound();
  const url = new URL(request.url);
  const language = widgetLocale(request);
  const token = url.searchParams.get("v");
  const visitor = token ? await findVisitor(context.em, widget, token) : null;
  const view = visitor ? await visitorView(context.em, widget, visitor, new Date()) : null;
  return data(
    {
      key: widget.publicKey,
      practice: widget.workspaceName,
      language,
      token: visitor ? token : null,
      staleToken: token !== null && !visitor,
      pollSeconds: widgetOptions().pollSeconds,
      // Server-only values reach the component through the loader: @rm/messaging stays out of the browser bundle.
      limits: { body: WIDGET_LIMITS.body, name: WIDGET_LIMITS.name },
      visitor: view
        ? {
            name: view.name,
            phone: view.phone ? formatPhone(view.phone, widget.defaultCountry) : null,
            phoneConfirmed: view.phoneConfirmed,
            codeSent: view.codeSent,
            messages: view.messages.map((m) => ({ id: m.id, from: m.from, body: m.body, authorName: m.authorName })),
          }
        : null,
    },
    { headers: { [FRAME_ANCESTORS_HEADER]: frameAncestors(widget) } },
  );
}

type Failure = { error: WidgetErrorCode | "rateLimited"; seconds?: number; intent: string; values: { body: string; name: string; phone: string } };

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Another site's form posting here never gets this far: Remix aborts an action whose Origin is not the Host.
  const widget = (await findWidgetByKey(context.em, params.key ?? "")) ?? notFound();
  const framing = { [FRAME_ANCESTORS_HEADER]: frameAncestors(widget) };
  const form = await request.formData();
  const intent = str(form, "intent");
  const token = str(form, "v") || null;
  const language = widgetLocale(request);
  const values = { body: str(form, "body").slice(0, WIDGET_LIMITS.body * 2), name: str(form, "name").slice(0, 200), phone: str(form, "phone").slice(0, 100) };
  const fail = (error: Failure["error"], status: number, extra: { seconds?: number } = {}) =>
    data<Failure>({ error, intent, values, ...extra }, { status, headers: { ...framing, ...(extra.seconds ? { "Retry-After": String(extra.seconds) } : {}) } });
  const back = (t: string) => redirect(`/widget/${encodeURIComponent(widget.publicKey)}?v=${encodeURIComponent(t)}&lang=${language}`, { headers: framing });
  const opts = widgetOptions();
  try {
    if (intent === "message") {
      // A known visitor's own bucket; a first message (or a token this widget does not know, so that
      // inventing tokens gains nothing) counts against the client address on this widget.
      const known = token ? await findVisitor(context.em, widget, token) : null;
      const limit = await limitWidgetMessage(widget.publicKey, known ? `v:${token}` : `ip:${widget.publicKey}:${context.clientAddress}`);
      if (!limit.allowed) {
        logger.warn({ requestId: context.requestId, widget: widget.id }, "web chat message refused: rate limit");
        return fail("rateLimited", 429, { seconds: limit.retryAfterSeconds });
      }
      const posted = await context.em.transactional((em) =>
        postVisitorMessage(em, widget, { token, body: values.body, name: values.name, phone: values.phone, language, now: new Date(), automatic: automaticHandling() }),
      );
      return back(posted.token);
    }
    if (intent === "code" && token) {
      const limit = await limitWidgetCode(token);
      if (!limit.allowed) return fail("rateLimited", 429, { seconds: limit.retryAfterSeconds });
      const msg = createMsg(language);
      await context.em.transactional((em) =>
        requestPhoneCode(em, widget, token, { secret: opts.codeSecret, now: new Date(), codeText: (code) => msg("widget.code.sms", { code, practice: widget.workspaceName }) }),
      );
      return back(token);
    }
    if (intent === "confirm" && token) {
      // A wrong code's attempt is committed with the answer (the transaction returns, it does not throw).
      const result = await context.em.transactional((em) => confirmPhoneCode(em, widget, token, { secret: opts.codeSecret, code: str(form, "code"), now: new Date() }));
      if (!result.ok) return fail(result.error, 400);
      return back(token);
    }
    return fail("empty", 400);
  } catch (err) {
    if (err instanceof WidgetError) return fail(err.code, 400);
    throw err;
  }
}

function errorText(msg: ReturnType<typeof useMsg>, f: Failure, limits: { body: number; name: number }): string {
  switch (f.error) {
    case "rateLimited":
      return msg("widget.error.rateLimited", { seconds: f.seconds ?? 60 });
    case "tooLong":
      return msg("widget.error.tooLong", { max: limits.body });
    case "nameTooLong":
      return msg("widget.error.nameTooLong", { max: limits.name });
    default:
      return msg(`widget.error.${f.error}`);
  }
}

export default function WidgetChat() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as Failure | undefined;
  const msg = useMsg();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const formRef = useRef<HTMLFormElement>(null);
  const storageKey = `rm-widget:${d.key}`;
  const busy = navigation.state !== "idle";
  // In a frame on the practice's website (known only in the browser): a close button, which phones need
  // because there the chat covers the launcher.
  const [framed, setFramed] = useState(false);
  useEffect(() => setFramed(window.parent !== window), []);

  // Remember the chat in this origin's storage, or pick it up again when the host page reloads.
  useEffect(() => {
    try {
      if (d.token) localStorage.setItem(storageKey, d.token);
      else if (d.staleToken) localStorage.removeItem(storageKey);
      else {
        const kept = localStorage.getItem(storageKey);
        if (kept) navigate(`?v=${encodeURIComponent(kept)}&lang=${d.language}`, { replace: true });
      }
    } catch {
      // Storage blocked (private mode, third-party storage off): the chat lasts as long as the frame.
    }
  }, [d.token, d.staleToken, d.language, storageKey, navigate]);

  // New staff answers: a light revalidation every few seconds while the chat is visible.
  useEffect(() => {
    if (!d.token) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle" && navigation.state === "idle") revalidator.revalidate();
    }, d.pollSeconds * 1000);
    return () => clearInterval(timer);
  }, [d.token, d.pollSeconds, revalidator, navigation.state]);

  // After a message went out, the box is empty again for the next one.
  useEffect(() => {
    if (navigation.state === "idle" && !failure) formRef.current?.reset();
  }, [navigation.state, failure, d.visitor?.messages.length]);

  // Escape inside the chat closes it on the host page (the launcher script listens for this).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && window.parent !== window) window.parent.postMessage("rm-widget:close", "*");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const v = d.visitor;
  const values = failure?.values ?? { body: "", name: "", phone: "" };
  const errorFor = (intent: string) => (failure && failure.intent === intent ? errorText(msg, failure, d.limits) : null);
  const messageError = errorFor("message");
  const codeError = errorFor("code") ?? errorFor("confirm");
  return (
    <main className="widget">
      <div className="widget-head">
        <h1>{msg("widget.title", { practice: d.practice })}</h1>
        {framed ? (
          <button type="button" className="secondary" onClick={() => window.parent.postMessage("rm-widget:close", "*")}>
            {msg("widget.launcher.close")}
          </button>
        ) : null}
      </div>
      <p className="hint">{msg("widget.intro")}</p>
      <section aria-label={msg("widget.log")}>
        {v && v.messages.length > 0 ? (
          <ol className="widget-log" aria-live="polite">
            {v.messages.map((m) => (
              <li key={m.id} className={`from-${m.from}`} data-testid="widget-message" data-from={m.from}>
                <span className="who">
                  {m.from === "visitor" ? msg("widget.from.visitor") : m.from === "bot" ? msg("widget.from.bot") : m.authorName ? msg("widget.from.staff", { name: m.authorName }) : msg("widget.from.practice")}
                </span>
                <span className="body">{m.body}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{msg("widget.empty")}</p>
        )}
      </section>

      <Form method="post" ref={formRef} className="widget-form" noValidate>
        <input type="hidden" name="intent" value="message" />
        {d.token ? <input type="hidden" name="v" value={d.token} /> : null}
        {messageError ? (
          <p className="error" role="alert" id="widget-error">
            {messageError}
          </p>
        ) : null}
        <label htmlFor="widget-body">{msg("widget.message.label")}</label>
        <textarea id="widget-body" name="body" rows={3} maxLength={d.limits.body} required defaultValue={values.body} {...(messageError ? { "aria-invalid": true, "aria-describedby": "widget-error" } : {})} />
        {!v?.name ? (
          <>
            <label htmlFor="widget-name">{msg("widget.name.label")}</label>
            <input id="widget-name" name="name" autoComplete="name" defaultValue={values.name} />
          </>
        ) : null}
        {!v?.phone ? (
          <>
            <label htmlFor="widget-phone">{msg("widget.phone.label")}</label>
            <input id="widget-phone" name="phone" type="tel" autoComplete="tel" inputMode="tel" defaultValue={values.phone} aria-describedby="widget-phone-hint" />
            <p id="widget-phone-hint" className="hint">
              {msg("widget.phone.hint")}
            </p>
          </>
        ) : null}
        <button type="submit" disabled={busy}>
          {msg("widget.send")}
        </button>
      </Form>

      {v?.phone ? (
        <section className="widget-phone">
          <p>{v.phoneConfirmed ? msg("widget.phone.confirmed", { phone: v.phone }) : msg("widget.phone.unconfirmed", { phone: v.phone })}</p>
          {codeError ? (
            <p className="error" role="alert">
              {codeError}
            </p>
          ) : null}
          {!v.phoneConfirmed && v.codeSent ? (
            <Form method="post" className="widget-form">
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="v" value={d.token ?? ""} />
              <p className="hint">{msg("widget.code.sent", { phone: v.phone })}</p>
              <label htmlFor="widget-code">{msg("widget.code.label")}</label>
              <input id="widget-code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={12} />
              <button type="submit">{msg("widget.code.confirm")}</button>
            </Form>
          ) : null}
          {!v.phoneConfirmed ? (
            <Form method="post">
              <input type="hidden" name="intent" value="code" />
              <input type="hidden" name="v" value={d.token ?? ""} />
              <button type="submit" className="secondary">
                {msg("widget.code.request")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      {d.token ? (
        // Without JavaScript there is no polling: this plain link shows new answers.
        <p>
          <a href={`?v=${encodeURIComponent(d.token)}&lang=${d.language}`}>{msg("widget.refresh")}</a>
        </p>
      ) : null}
    </main>
  );
}
