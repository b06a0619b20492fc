// Template editor: live preview and SMS cost while typing (with JavaScript), a "Preview" button
// that does the same without it; unknown variables are refused before anything is saved.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  AccountsError,
  analyzeTemplate,
  checkWhatsAppTemplate,
  defaultWhatsAppText,
  findTemplate,
  saveWhatsAppTemplate,
  submitWhatsAppTemplate,
  updateTemplate,
  ValidationError,
  whatsappTemplateFor,
} from "@rm/accounts";
import { WHATSAPP_CONTENT_VARIABLES, isWhatsAppContentType } from "@rm/domain";
import { useEffect, useRef, useState } from "react";
import { formFailure, formObject, formValues, str } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, Notice } from "../components/forms.tsx";
import { OwnWhatsAppSection, type OwnWhatsAppFailure, type OwnWhatsAppSectionData } from "../components/own-whatsapp-template.tsx";
import { ownSenderDeps } from "../.server/own-sender.server.ts";
import { useMsg } from "../i18n.ts";
import { TemplateAnalysisPanel, type Analysis } from "../components/template-analysis.tsx";
import { useLocale } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction = () => [{ title: "Plantilla · Reputation Manager" }];

const VARIABLES = ["name", "practice", "doctor", "appointmentType", "date", "ratingLink", "reviewLink", "feedbackLink"];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const tpl = (await findTemplate(staff.em, params.id)) ?? notFound();
  // Broadcast texts live in the library, with their own editor and preview.
  if (tpl.type === "BROADCAST") throw redirect(`/templates/library/${tpl.id}`);
  // The own account's WhatsApp template of this type and language (SPEC §12), when one is connected.
  let ownWhatsApp: OwnWhatsAppSectionData | null = null;
  if (ownSenderDeps() && isWhatsAppContentType(tpl.type)) {
    const own = await whatsappTemplateFor(staff.em, staff.workspace.id, tpl.type, tpl.language);
    if (own) {
      ownWhatsApp = {
        accountSid: own.accountSid,
        variables: [...WHATSAPP_CONTENT_VARIABLES[tpl.type]],
        template: own.template,
        defaults: defaultWhatsAppText(tpl.type, tpl.language),
      };
    }
  }
  return {
    ownWhatsApp,
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
  if (intent.startsWith("wa-")) return ownWhatsAppAction(staff, tpl, form, intent);
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

const WA_ERRORS: Record<string, string> = {
  "whatsapp_template.not_draft": "whatsappTemplate.error.notDraft",
  "own_sender.unreachable": "whatsappTemplate.error.unreachable",
  "own_sender.refused": "ownSender.error.refused",
  "own_sender.not_connected": "ownSender.error.notConnected",
};

/** Save / submit / check of the own account's WhatsApp template (owners only). */
async function ownWhatsAppAction(staff: Awaited<ReturnType<typeof requireUser>>, tpl: NonNullable<Awaited<ReturnType<typeof findTemplate>>>, form: FormData, intent: string) {
  if (staff.user.role !== "OWNER") throw data({ error: "forbidden" }, { status: 403 });
  const deps = ownSenderDeps();
  if (!deps) throw data({ error: "not configured" }, { status: 404 });
  const actor = { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip };
  const values = { waBody: str(form, "waBody"), waButtons: str(form, "waButtons"), waCategory: str(form, "waCategory") };
  try {
    if (intent === "wa-save") {
      await saveWhatsAppTemplate(staff.em, actor, { type: tpl.type, language: tpl.language, body: values.waBody, buttons: values.waButtons, category: values.waCategory });
      throw redirect(`/templates/${tpl.id}?wa=saved`);
    }
    const own = await whatsappTemplateFor(staff.em, staff.workspace.id, tpl.type, tpl.language);
    const id = own?.template?.id;
    if (!id) throw new AccountsError("whatsapp_template.not_draft", "no template");
    if (intent === "wa-submit") {
      await submitWhatsAppTemplate(staff.em, deps, actor, id);
      throw redirect(`/templates/${tpl.id}?wa=submitted`);
    }
    if (intent === "wa-check") {
      await checkWhatsAppTemplate(staff.em, deps, actor, id);
      throw redirect(`/templates/${tpl.id}?wa=checked`);
    }
    throw data({ error: "unknown intent" }, { status: 400 });
  } catch (err) {
    const failure = (f: Omit<OwnWhatsAppFailure, "values">, status: number) => data({ ownWhatsApp: { ...f, values } }, { status });
    if (err instanceof ValidationError) return failure({ fieldErrors: err.fieldErrors }, 400);
    if (err instanceof AccountsError) {
      if (err.code === "whatsapp_template.refused") return failure({ fieldErrors: {}, formError: "whatsappTemplate.error.refused", formDetail: err.message.replace(/^[^:]*:\s*/, "") }, 400);
      return failure({ fieldErrors: {}, formError: WA_ERRORS[err.code] ?? "whatsappTemplate.error.unreachable" }, 400);
    }
    throw err;
  }
}

const WA_NOTICES = { saved: "whatsappTemplate.notice.saved", submitted: "whatsappTemplate.notice.submitted", checked: "whatsappTemplate.notice.checked" } as const;

/** True once hydrated: the page then analyses while typing instead of offering a "Preview" button. */
function useHydrated(): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(true);
  }, []);
  return live;
}

/**
 * The server's own analysis (the provider's segment model) of `text` while it is typed, 150 ms after
 * the last key; only the latest answer counts. An `optional` text that is empty has none.
 */
function useLiveAnalysis(text: string, initial: Analysis, live: boolean): Analysis;
function useLiveAnalysis(text: string, initial: Analysis | null, live: boolean, optional: true): Analysis | null;
function useLiveAnalysis(text: string, initial: Analysis | null, live: boolean, optional = false): Analysis | null {
  const [analysis, setAnalysis] = useState<Analysis | null>(initial);
  const request = useRef(0);
  useEffect(() => {
    if (!live) return;
    const id = ++request.current;
    if (optional && !text.trim()) {
      setAnalysis(null);
      return;
    }
    const timer = setTimeout(() => {
      fetch(`/api/template-analysis?${new URLSearchParams({ body: text })}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? (r.json() as Promise<Analysis>) : null))
        .then((next) => {
          if (next && id === request.current) setAnalysis(next);
        })
        .catch(() => undefined);
    }, 150);
    return () => clearTimeout(timer);
  }, [text, live, optional]);
  return analysis;
}

export default function EditTemplate() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const msg = useMsg();
  const [search] = useSearchParams();
  const waNotice = (WA_NOTICES as Record<string, (typeof WA_NOTICES)[keyof typeof WA_NOTICES] | undefined>)[search.get("wa") ?? ""];
  const waFailure = result && "ownWhatsApp" in result ? result.ownWhatsApp : null;
  const main = result && !("ownWhatsApp" in result) ? result : undefined;
  const values = main?.values ?? {};
  const errors = main?.fieldErrors ?? {};
  const [body, setBody] = useState(values.body ?? loaded.template.body);
  const [smsBody, setSmsBody] = useState(values.smsBody ?? loaded.template.smsBody);
  const live = useHydrated();
  const analysis = useLiveAnalysis(body, main && "analysis" in main && main.analysis ? main.analysis : loaded.analysis, live);
  const smsAnalysis = useLiveAnalysis(smsBody, main && "smsAnalysis" in main ? (main.smsAnalysis ?? null) : loaded.smsAnalysis, live, true);
  const formError = main && "formError" in main ? main.formError : undefined;
  return (
    <>
      <TemplateTitle type={loaded.template.type} />
      <div className="editor">
        <Form method="post" noValidate className="card" id="template-form">
          <CsrfInput />
          <FormError message={formError} />
          <fieldset disabled={!loaded.canEdit} className="bare">
            <NameField error={errors.name} value={values.name ?? loaded.template.name} />
            <BodyField error={errors.body} value={body} onChange={setBody} />
            <SmsBodyField error={errors.smsBody} value={smsBody} onChange={setSmsBody} />
            {smsAnalysis && smsBody.trim() ? <SmsStats analysis={smsAnalysis} /> : null}
            <ContentSidField error={errors.whatsappContentSid} value={values.whatsappContentSid ?? loaded.template.whatsappContentSid} />
            {loaded.canEdit ? <EditorButtons live={live} /> : <ReadOnlyNote />}
          </fieldset>
          <TemplateAnalysisPanel analysis={analysis} onUseGsm={live && analysis.gsmVariant ? () => setSmsBody(analysis.gsmVariant?.text ?? "") : undefined} />
        </Form>
      </div>
      <Notice message={waNotice ? msg(waNotice) : undefined} />
      {loaded.ownWhatsApp ? <OwnWhatsAppSection data={loaded.ownWhatsApp} failure={waFailure} canEdit={loaded.canEdit} /> : null}
    </>
  );
}

function TemplateTitle({ type }: { type: string }) {
  const msg = useMsg();
  const locale = useLocale();
  const label = TEMPLATE_TYPE_LABELS[type];
  return (
    <>
      <p>
        <Link to="/templates">{msg("templates.back")}</Link>
      </p>
      <h1>{label ? label[locale] : type}</h1>
    </>
  );
}

function NameField({ error, value }: { error: string | undefined; value: string }) {
  const msg = useMsg();
  return (
    <Field id="name" label={msg("templates.field.name")} error={error}>
      {(p) => <input {...p} name="name" maxLength={120} defaultValue={value} />}
    </Field>
  );
}

function BodyField({ error, value, onChange }: { error: string | undefined; value: string; onChange: (body: string) => void }) {
  const msg = useMsg();
  return (
    <Field id="body" label={msg("templates.field.body")} error={error} hint={msg("templates.field.variables", { names: VARIABLES.map((v) => `{{${v}}}`).join(" ") })}>
      {(p) => <textarea {...p} name="body" rows={6} required maxLength={1600} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

function SmsBodyField({ error, value, onChange }: { error: string | undefined; value: string; onChange: (body: string) => void }) {
  const msg = useMsg();
  return (
    <Field id="smsBody" label={msg("templates.field.smsBody")} error={error} hint={msg("templates.field.smsBody.hint")}>
      {(p) => <textarea {...p} name="smsBody" rows={4} maxLength={1600} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

/** Segments, encoding and length of the SMS text, and any variable it names that does not exist. */
function SmsStats({ analysis }: { analysis: Analysis }) {
  const msg = useMsg();
  return (
    <p className="muted" data-testid="sms-body-stats">
      {msg("templates.smsText.stats", { segments: analysis.segments, encoding: analysis.encoding === "GSM7" ? "GSM-7" : "UCS-2", characters: analysis.characters })}
      {analysis.unknownVariables.length ? msg("templates.smsText.unknown", { names: analysis.unknownVariables.map((v) => `{{${v}}}`).join(", ") }) : ""}
    </p>
  );
}

function ContentSidField({ error, value }: { error: string | undefined; value: string }) {
  const msg = useMsg();
  return (
    <Field id="whatsappContentSid" label={msg("templates.field.contentSid")} error={error} hint={msg("templates.field.contentSid.hint")}>
      {(p) => <input {...p} name="whatsappContentSid" defaultValue={value} />}
    </Field>
  );
}

/** Save; without JavaScript also "Preview", which analyses on the server and saves nothing. */
function EditorButtons({ live }: { live: boolean }) {
  const msg = useMsg();
  return (
    <div className="buttons">
      <button type="submit" name="intent" value="save">
        {msg("templates.save")}
      </button>
      {live ? null : (
        <button type="submit" name="intent" value="preview" className="secondary">
          {msg("templates.preview")}
        </button>
      )}
    </div>
  );
}

function ReadOnlyNote() {
  const msg = useMsg();
  return <p className="muted">{msg("templates.ownerOnly")}</p>;
}
