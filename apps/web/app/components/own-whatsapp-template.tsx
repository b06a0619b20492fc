// The template editor's section for the WhatsApp template of the workspace's own Twilio account
// (SPEC §12): draft / under review / approved / rejected with WhatsApp's reason, the text with the
// type's variables, quick replies and category, and the buttons to save, submit and check. Plain
// forms: everything works without JavaScript.
import { Form } from "@remix-run/react";
import type { MessageCode } from "@rm/catalogue";
import { useMsg } from "../i18n.ts";
import { CsrfInput, Field, FormError } from "./forms.tsx";

export interface OwnWhatsAppSectionData {
  accountSid: string;
  variables: string[];
  template: {
    status: "DRAFT" | "PENDING" | "APPROVED" | "REJECTED";
    category: string;
    body: string;
    buttons: string[];
    rejectionReason: string | null;
    contentSid: string | null;
    /** Numbered with a gap before decision 039 and not approved: it can be submitted again as it is. */
    resubmit?: boolean;
  } | null;
  defaults: { body: string; buttons: string[] };
}

export interface OwnWhatsAppFailure {
  fieldErrors: Record<string, string>;
  /** A catalogue code; `formDetail` fills its {detail}. */
  formError?: string | undefined;
  formDetail?: string | undefined;
  values: Record<string, string>;
}

const STATUS_CODES = {
  NONE: "whatsappTemplate.status.NONE",
  DRAFT: "whatsappTemplate.status.DRAFT",
  PENDING: "whatsappTemplate.status.PENDING",
  APPROVED: "whatsappTemplate.status.APPROVED",
  REJECTED: "whatsappTemplate.status.REJECTED",
} as const satisfies Record<string, MessageCode>;

/** A field error is a catalogue code from @rm/accounts' whatsappTextProblems; anything else is shown as is. */
function errorText(msg: ReturnType<typeof useMsg>, code: string | undefined): string | undefined {
  if (!code) return undefined;
  return /^(whatsappTemplate|ownSender)\./.test(code) ? (msg as unknown as (c: string) => string)(code) : code;
}

export function OwnWhatsAppSection({ data, failure, canEdit }: { data: OwnWhatsAppSectionData; failure: OwnWhatsAppFailure | null; canEdit: boolean }) {
  const msg = useMsg();
  const tpl = data.template;
  const status = tpl?.status ?? "NONE";
  const values = failure?.values ?? {};
  const body = values.waBody ?? tpl?.body ?? data.defaults.body;
  const buttons = values.waButtons ?? (tpl ? tpl.buttons : data.defaults.buttons).join("\n");
  const category = values.waCategory ?? tpl?.category ?? "UTILITY";
  return (
    <section className="card" aria-labelledby="own-wa-title" data-testid="own-whatsapp-template">
      <h2 id="own-wa-title">{msg("whatsappTemplate.title")}</h2>
      <p className="hint">{msg("whatsappTemplate.intro", { sid: data.accountSid })}</p>
      <p>
        <strong>{msg("whatsappTemplate.status.label")}:</strong>{" "}
        <span className={`badge wa-${status.toLowerCase()}`} data-testid="own-whatsapp-status">
          {msg(STATUS_CODES[status])}
        </span>
      </p>
      {tpl?.status === "REJECTED" ? (
        <>
          <p data-testid="own-whatsapp-reason">{msg("whatsappTemplate.rejectionReason", { reason: tpl.rejectionReason ?? "" })}</p>
          <p className="hint">{msg("whatsappTemplate.rejectedHint")}</p>
        </>
      ) : null}
      {tpl?.status === "PENDING" ? <p className="hint">{msg("whatsappTemplate.pendingHint")}</p> : null}
      {tpl?.resubmit ? (
        <p className="warning-box" data-testid="own-whatsapp-resubmit">
          {msg("whatsappTemplate.resubmitHint")}
        </p>
      ) : null}
      <Form method="post" noValidate>
        <CsrfInput />
        <FormError message={failure?.formError === "whatsappTemplate.error.refused" ? msg("whatsappTemplate.error.refused", { detail: failure.formDetail ?? "" }) : errorText(msg, failure?.formError)} />
        <fieldset disabled={!canEdit} className="bare">
          <Field id="waBody" label={msg("whatsappTemplate.field.body")} error={errorText(msg, failure?.fieldErrors.body)} hint={msg("whatsappTemplate.field.body.hint", { variables: data.variables.map((v) => `{{${v}}}`).join(", ") })}>
            {(p) => <textarea {...p} name="waBody" rows={5} maxLength={1024} defaultValue={body} />}
          </Field>
          <Field id="waButtons" label={msg("whatsappTemplate.field.buttons")} error={errorText(msg, failure?.fieldErrors.buttons)} hint={msg("whatsappTemplate.field.buttons.hint")}>
            {(p) => <textarea {...p} name="waButtons" rows={5} defaultValue={buttons} />}
          </Field>
          <Field id="waCategory" label={msg("whatsappTemplate.field.category")} error={errorText(msg, failure?.fieldErrors.category)}>
            {(p) => (
              <select {...p} name="waCategory" defaultValue={category}>
                <option value="UTILITY">{msg("whatsappTemplate.category.UTILITY")}</option>
                <option value="MARKETING">{msg("whatsappTemplate.category.MARKETING")}</option>
              </select>
            )}
          </Field>
          {canEdit ? (
            <div className="buttons">
              <button type="submit" name="intent" value="wa-save">
                {msg("whatsappTemplate.save")}
              </button>
              {tpl?.status === "DRAFT" || tpl?.resubmit ? (
                <button type="submit" name="intent" value="wa-submit" className="secondary">
                  {msg("whatsappTemplate.submit")}
                </button>
              ) : null}
              {tpl?.status === "PENDING" ? (
                <button type="submit" name="intent" value="wa-check" className="secondary">
                  {msg("whatsappTemplate.check")}
                </button>
              ) : null}
            </div>
          ) : null}
        </fieldset>
      </Form>
    </section>
  );
}
