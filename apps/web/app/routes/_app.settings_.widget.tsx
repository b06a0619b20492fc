// Ajustes › Chat web (owners only, SPEC §16): the script tag for the practice's website, the CSP lines
// the website needs if it has a policy, the origins allowed to show the chat (audited by
// @rm/messaging), the practice whose knowledge and staff number the chat's automatic handling uses
// (default: the workspace's first practice), and a live preview — the real chat in a phone-sized frame. No id in the URL: it acts
// on the signed-in workspace's own widget. The form works without JavaScript.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import { parseAllowedOrigins, setAllowedOrigins, setWidgetPractice, widgetSettings } from "@rm/messaging";
import { str } from "../.server/forms.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import widgetStyles from "../components/widget.css?url";
import { CsrfInput, Field, Notice } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Chat web · Reputation Manager" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: widgetStyles }];

/** Our origin as the owner's browser reaches it: the snippet and the CSP lines name it. */
function ourOrigin(request: Request): string {
  const url = new URL(request.url);
  if (request.headers.get("x-forwarded-proto") === "https") url.protocol = "https:";
  return url.origin;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const settings = await widgetSettings(em, workspace.id, new Date());
  const preview = new URL(request.url).searchParams.get("preview") === "en" ? "en" : "es";
  const practices = await listPractices(em);
  // The default is the oldest practice (the one the chat falls back to), named so the owner knows which.
  const first = [...practices].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0];
  return {
    origin: ourOrigin(request),
    publicKey: settings.publicKey,
    allowedOrigins: settings.allowedOrigins,
    practiceId: settings.practiceId,
    practices: practices.map((p) => ({ id: p.id, name: p.name })),
    firstPractice: first?.name ?? "",
    preview,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  if (str(form, "intent") === "practice") {
    const chosen = str(form, "practiceId");
    const ok = await setWidgetPractice(staff.em, { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip }, chosen === "" ? null : chosen, new Date());
    if (!ok) return data({ practiceInvalid: true as const }, { status: 400 });
    throw redirect("/settings/widget?notice=practice");
  }
  const text = str(form, "origins").slice(0, 10_000);
  const parsed = parseAllowedOrigins(text);
  if (!parsed.ok) return data({ invalidLine: parsed.line, text }, { status: 400 });
  await setAllowedOrigins(staff.em, { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip }, parsed.origins, new Date());
  throw redirect("/settings/widget?notice=saved");
}

export default function WidgetSettingsPage() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const [params] = useSearchParams();
  const snippet = `<script src="${d.origin}/widget.js?w=${d.publicKey}" async></script>`;
  const csp = `script-src ${d.origin};\nframe-src ${d.origin};`;
  return (
    <>
      <p>
        <Link to="/settings">{msg("settings.title")}</Link>
      </p>
      <h1>{msg("widget.settings.title")}</h1>
      <p>{msg("widget.settings.intro")}</p>
      <Notice message={failure ? undefined : params.get("notice") === "saved" ? msg("widget.settings.saved") : params.get("notice") === "practice" ? msg("widget.settings.practiceSaved") : undefined} />

      <section className="card" aria-labelledby="widget-snippet-title">
        <h2 id="widget-snippet-title">{msg("widget.settings.snippet")}</h2>
        <pre className="widget-snippet" data-testid="widget-snippet">
          <code>{snippet}</code>
        </pre>
        <p className="hint">{msg("widget.settings.snippetHint")}</p>
      </section>

      <section className="card" aria-labelledby="widget-csp-title">
        <h2 id="widget-csp-title">{msg("widget.settings.csp")}</h2>
        <p>{msg("widget.settings.cspHint")}</p>
        <pre className="widget-snippet" data-testid="widget-csp">
          <code>{csp}</code>
        </pre>
      </section>

      <section className="card" aria-labelledby="widget-origins-title">
        <h2 id="widget-origins-title">{msg("widget.settings.origins")}</h2>
        {d.allowedOrigins.length === 0 ? <p className="hint">{msg("widget.settings.none")}</p> : null}
        <Form method="post">
          <CsrfInput />
          <Field
            id="origins"
            label={msg("widget.settings.originsLabel")}
            hint={msg("widget.settings.originsHint")}
            error={failure && "invalidLine" in failure ? msg("widget.settings.originInvalid", { line: failure.invalidLine }) : undefined}
          >
            {(props) => <textarea {...props} name="origins" rows={4} defaultValue={failure && "text" in failure ? failure.text : d.allowedOrigins.join("\n")} />}
          </Field>
          <button type="submit">{msg("widget.settings.save")}</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="widget-practice-title">
        <h2 id="widget-practice-title">{msg("widget.settings.practice")}</h2>
        <p className="hint">{msg("widget.settings.practiceHint")}</p>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="practice" />
          <Field id="practiceId" label={msg("widget.settings.practiceLabel")} error={failure && "practiceInvalid" in failure ? msg("widget.settings.practiceInvalid") : undefined}>
            {(props) => (
              <select {...props} name="practiceId" defaultValue={d.practiceId ?? ""}>
                <option value="">{msg("widget.settings.practiceDefault", { name: d.firstPractice })}</option>
                {d.practices.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit">{msg("widget.settings.practiceSave")}</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="widget-preview-title">
        <h2 id="widget-preview-title">{msg("widget.settings.preview")}</h2>
        <p className="hint">{msg("widget.settings.previewHint")}</p>
        <p>
          {(["es", "en"] as const).map((l) => (
            <span key={l}>
              {l === d.preview ? <strong>{msg("widget.settings.previewLanguage", { language: l })}</strong> : <Link to={`?preview=${l}`}>{msg("widget.settings.previewLanguage", { language: l })}</Link>}{" "}
            </span>
          ))}
        </p>
        <iframe className="widget-preview" title={msg("widget.settings.preview")} src={`/widget/${d.publicKey}?lang=${d.preview}`} />
      </section>
    </>
  );
}
