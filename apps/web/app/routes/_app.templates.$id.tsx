// Template editor: live preview and SMS cost while typing (with JavaScript), a "Preview" button
// that does the same without it; unknown variables are refused before anything is saved.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { analyzeTemplate, findTemplate, updateTemplate } from "@rm/accounts";
import { useEffect, useRef, useState } from "react";
import { formFailure, formObject, formValues, str } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { TemplateAnalysisPanel, type Analysis } from "../components/template-analysis.tsx";
import { useLocale, useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction = () => [{ title: "Plantilla · Reputation Manager" }];

const VARIABLES = ["name", "practice", "doctor", "appointmentType", "date", "ratingLink", "reviewLink", "feedbackLink"];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const tpl = (await findTemplate(staff.em, params.id)) ?? notFound();
  return {
    canEdit: staff.user.role === "OWNER",
    template: {
      id: tpl.id,
      type: tpl.type,
      name: tpl.name ?? "",
      body: tpl.body,
      smsBody: tpl.smsBody ?? "",
      whatsappContentSid: tpl.whatsappContentSid ?? "",
    },
    analysis: analyzeTemplate(tpl.body),
    smsAnalysis: tpl.smsBody ? analyzeTemplate(tpl.smsBody) : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const tpl = (await findTemplate(staff.em, params.id)) ?? notFound();
  const form = await request.formData();
  const intent = str(form, "intent") || "save";
  const body = str(form, "body");
  if (intent === "preview" || intent === "gsm") {
    // No JavaScript: the same analysis as the live panel, nothing saved.
    const values = formValues(form);
    const analysis = analyzeTemplate(body);
    if (intent === "gsm" && analysis.gsmVariant) values.smsBody = analysis.gsmVariant.text;
    const smsAnalysis = values.smsBody?.trim() ? analyzeTemplate(values.smsBody) : null;
    return data({ ok: false as const, preview: true as const, fieldErrors: {} as Record<string, string>, values, analysis, smsAnalysis });
  }
  try {
    await updateTemplate(staff.em, actorOf(staff), tpl, formObject(form));
  } catch (error) {
    return formFailure(error, form);
  }
  throw redirect("/templates?notice=saved");
}

export default function EditTemplate() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const values = result?.values ?? {};
  const errors = result?.fieldErrors ?? {};
  const [body, setBody] = useState(values.body ?? loaded.template.body);
  const [smsBody, setSmsBody] = useState(values.smsBody ?? loaded.template.smsBody);
  const [analysis, setAnalysis] = useState<Analysis>(result && "analysis" in result && result.analysis ? result.analysis : loaded.analysis);
  const [smsAnalysis, setSmsAnalysis] = useState<Analysis | null>(
    result && "smsAnalysis" in result ? (result.smsAnalysis ?? null) : loaded.smsAnalysis,
  );
  const [live, setLive] = useState(false);
  const request = useRef(0);
  const smsRequest = useRef(0);

  // Live analysis while typing: the server's own counter (the provider's segment model).
  useEffect(() => {
    setLive(true);
  }, []);
  useEffect(() => {
    if (!live) return;
    const id = ++request.current;
    const timer = setTimeout(() => {
      fetch(`/api/template-analysis?${new URLSearchParams({ body })}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? (r.json() as Promise<Analysis>) : null))
        .then((next) => {
          if (next && id === request.current) setAnalysis(next);
        })
        .catch(() => undefined);
    }, 150);
    return () => clearTimeout(timer);
  }, [body, live]);
  useEffect(() => {
    if (!live) return;
    const id = ++smsRequest.current;
    if (!smsBody.trim()) {
      setSmsAnalysis(null);
      return;
    }
    const timer = setTimeout(() => {
      fetch(`/api/template-analysis?${new URLSearchParams({ body: smsBody })}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? (r.json() as Promise<Analysis>) : null))
        .then((next) => {
          if (next && id === smsRequest.current) setSmsAnalysis(next);
        })
        .catch(() => undefined);
    }, 150);
    return () => clearTimeout(timer);
  }, [smsBody, live]);

  const label = TEMPLATE_TYPE_LABELS[loaded.template.type];
  const formError = result && "formError" in result ? result.formError : undefined;
  return (
    <>
      <p>
        <Link to="/templates">← {t("Plantillas", "Templates")}</Link>
      </p>
      <h1>{label ? label[locale] : loaded.template.type}</h1>
      <div className="editor">
        <Form method="post" noValidate className="card" id="template-form">
          <CsrfInput />
          <FormError message={formError} />
          <fieldset disabled={!loaded.canEdit} className="bare">
            <Field id="name" label={t("Nombre interno", "Internal name")} error={errors.name}>
              {(p) => <input {...p} name="name" maxLength={120} defaultValue={values.name ?? loaded.template.name} />}
            </Field>
            <Field
              id="body"
              label={t("Texto del mensaje", "Message text")}
              error={errors.body}
              hint={
                <>
                  {t("Variables:", "Variables:")} {VARIABLES.map((v) => `{{${v}}}`).join(" ")}
                </>
              }
            >
              {(p) => <textarea {...p} name="body" rows={6} required maxLength={1600} value={body} onChange={(e) => setBody(e.target.value)} />}
            </Field>
            <Field
              id="smsBody"
              label={t("Texto alternativo para SMS (opcional)", "Alternative SMS text (optional)")}
              error={errors.smsBody}
              hint={t("Si lo completa, los SMS usan este texto (p. ej. sin tildes, para pagar menos segmentos).", "When filled in, SMS use this text (e.g. unaccented, to pay for fewer segments).")}
            >
              {(p) => <textarea {...p} name="smsBody" rows={4} maxLength={1600} value={smsBody} onChange={(e) => setSmsBody(e.target.value)} />}
            </Field>
            {smsAnalysis && smsBody.trim() ? (
              <p className="muted" data-testid="sms-body-stats">
                {t("Texto SMS:", "SMS text:")} {smsAnalysis.segments} {t("segmento(s)", "segment(s)")} ·{" "}
                {smsAnalysis.encoding === "GSM7" ? "GSM-7" : "UCS-2"} · {smsAnalysis.characters} {t("caracteres", "characters")}
                {smsAnalysis.unknownVariables.length ? ` · ${t("variables desconocidas:", "unknown variables:")} ${smsAnalysis.unknownVariables.map((v) => `{{${v}}}`).join(", ")}` : ""}
              </p>
            ) : null}
            <Field
              id="whatsappContentSid"
              label={t("Content SID de WhatsApp (opcional)", "WhatsApp Content SID (optional)")}
              error={errors.whatsappContentSid}
              hint={t("La plantilla aprobada por WhatsApp para este tipo (HX…).", "The WhatsApp-approved template for this type (HX…).")}
            >
              {(p) => <input {...p} name="whatsappContentSid" defaultValue={values.whatsappContentSid ?? loaded.template.whatsappContentSid} />}
            </Field>
            {loaded.canEdit ? (
              <div className="buttons">
                <button type="submit" name="intent" value="save">
                  {t("Guardar", "Save")}
                </button>
                {live ? null : (
                  <button type="submit" name="intent" value="preview" className="secondary">
                    {t("Vista previa", "Preview")}
                  </button>
                )}
              </div>
            ) : (
              <p className="muted">{t("Solo el propietario puede editar plantillas.", "Only the owner can edit templates.")}</p>
            )}
          </fieldset>
          <TemplateAnalysisPanel
            analysis={analysis}
            onUseGsm={live && analysis.gsmVariant ? () => setSmsBody(analysis.gsmVariant?.text ?? "") : undefined}
          />
        </Form>
      </div>
    </>
  );
}
