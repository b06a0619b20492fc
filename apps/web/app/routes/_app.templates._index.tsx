// Plantillas: one row per message type of the rating requests with its current text and SMS cost;
// the broadcast texts are in the library (/templates/library), linked from here.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { analyzeTemplate, listTemplates } from "@rm/accounts";
import { requireUser } from "../.server/auth.server.ts";
import { useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction = () => [{ title: "Plantillas · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, user } = await requireUser(request, context, { roles: ROLES.STAFF });
  const templates = (await listTemplates(em)).filter((t) => t.type !== "BROADCAST");
  return {
    canDraft: ROLES.DRAFTING.includes(user.role),
    templates: templates.map((t) => {
      const analysis = analyzeTemplate(t.body);
      return { id: t.id, type: t.type, name: t.name ?? null, body: t.body, language: t.language, segments: analysis.segments, encoding: analysis.encoding };
    }),
  };
}

export default function TemplatesPage() {
  const { templates, canDraft } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const locale = useLocale();
  const msg = useMsg();
  return (
    <>
      <h1>{msg("templates.title")}</h1>
      {canDraft ? (
        <p className="actions">
          <Link to="/templates/library">{msg("library.title")}</Link> · <Link to="/templates/drafts">{msg("aiDrafts.link")}</Link>
        </p>
      ) : null}
      {params.get("notice") === "saved" ? (
        <p className="notice" role="status">
          {msg("templates.saved")}
        </p>
      ) : null}
      {templates.length === 0 ? (
        <section className="card empty-state">
          <p>{msg("templates.empty")}</p>
        </section>
      ) : (
        <ul className="template-list">
          {templates.map((tpl) => {
            const label = TEMPLATE_TYPE_LABELS[tpl.type];
            return (
              <li key={tpl.id} className="card">
                <h2>
                  <Link to={`/templates/${tpl.id}`}>{label ? label[locale] : tpl.type}</Link>
                </h2>
                <p className="muted">{label ? label.help[locale] : null}</p>
                <p className="template-body">{tpl.body}</p>
                <p className="muted">
                  {msg("templates.smsStats", { segments: tpl.segments, encoding: tpl.encoding === "GSM7" ? "GSM-7" : "UCS-2" })}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
