// Enviar a un paciente ahora (the receptionist's checkout flow, SPEC §5): one patient, due now,
// through the same path as a CSV import (consent, opt-out, cooldown, quiet hours, credit hold, outbox).
// After sending, the form is ready for the next patient and says what happened to the last one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listLinksToDetail } from "@rm/campaigns";
import { findOwnSingleSend, sendToOnePatient } from "@rm/importer";
import { campaignFormChoices, failure, importerFailure } from "../.server/campaigns.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { getEnv } from "../.server/env.server.ts";
import { formObject } from "../.server/forms.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { ChannelField, PracticeDoctorFields } from "../components/campaign-fields.tsx";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { SendBlockers } from "../components/send-blockers.tsx";
import { formatDateTime, useLocale, useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Enviar a un paciente · Reputation Manager" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const sent = new URL(request.url).searchParams.get("sent") ?? "";
  // The last send, read back from the database (no name or phone in the URL); only the user's own.
  const last = UUID.test(sent) ? await findOwnSingleSend(staff.em, { workspaceId: staff.workspace.id, userId: staff.user.id, campaignId: sent }) : null;
  return { ...(await campaignFormChoices(staff)), last, canOpenCampaign: listLinksToDetail({ userId: staff.user.id, role: staff.user.role }), isOwner: staff.user.role === "OWNER" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const form = await request.formData();
  const values = formObject(form);
  const channel = values.channel === "SMS" || values.channel === "WHATSAPP" ? values.channel : undefined;
  if (!values.assignedDoctorId) return failure(400, { fieldErrors: { assignedDoctorId: "Elija un médico del espacio de trabajo." }, values });
  const choices = await campaignFormChoices(staff);
  if (!choices.doctors.some((d) => d.id === values.assignedDoctorId)) {
    return failure(400, { fieldErrors: { assignedDoctorId: "Elija un médico del espacio de trabajo." }, values });
  }
  let campaignId: string;
  try {
    const result = await sendToOnePatient(staff.em, {
      workspaceId: staff.workspace.id,
      practiceId: UUID.test(values.practiceId ?? "") ? values.practiceId! : "00000000-0000-0000-0000-000000000000",
      assignedDoctorId: values.assignedDoctorId,
      createdById: staff.user.id,
      name: values.name ?? "",
      phone: values.phone ?? "",
      consent: values.consent === "on",
      ...(channel ? { channel } : {}),
      appointmentType: values.appointmentType?.trim() ? values.appointmentType.trim().slice(0, 200) : null,
      defaultCountry: staff.workspace.defaultCountry as "EC",
      publicUrl: getEnv().PUBLIC_URL,
      platform: platformSending(),
      ip: staff.ip,
    });
    campaignId = result.campaignId;
  } catch (error) {
    return importerFailure(error, values);
  }
  throw redirect(`/campaigns/send?sent=${campaignId}`);
}

const SKIPPED: Record<string, [string, string]> = {
  OPTED_OUT: ["no se envió: el paciente pidió no recibir mensajes.", "not sent: the patient opted out."],
  ERASED: ["no se envió: los datos del paciente fueron borrados a su pedido.", "not sent: the patient's data was erased at their request."],
  COOLDOWN: ["no se envió: ya se le pidió una calificación hace poco (periodo de espera).", "not sent: they were asked recently (cooldown)."],
  APPOINTMENT_TOO_OLD: ["no se envió: la cita es demasiado antigua.", "not sent: the appointment is too old."],
};

export default function SendToOne() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const values: Record<string, string> = { ...data.defaults, ...(answer?.values ?? {}) };
  const errors = answer?.fieldErrors ?? {};
  const last = answer ? null : data.last;
  const skipped = last?.skipReason ? SKIPPED[last.skipReason] : undefined;

  return (
    <>
      <div className="page-title">
        <h1>{t("Enviar a un paciente ahora", "Send to one patient now")}</h1>
        <Link to="/campaigns/new">{t("Subir una lista (CSV)", "Upload a list (CSV)")}</Link>
      </div>
      {last ? (
        <p className={skipped ? "warning-box" : "notice"} role="status" data-testid="send-result">
          {last.name} ({last.phone}):{" "}
          {skipped
            ? t(skipped[0], skipped[1])
            : last.sendAt
              ? t(`solicitud de calificación programada para ${formatDateTime(last.sendAt, locale, last.timezone)}.`, `rating request scheduled for ${formatDateTime(last.sendAt, locale, last.timezone)}.`)
              : t("solicitud registrada.", "request recorded.")}{" "}
          {data.canOpenCampaign ? <Link to={`/campaigns/${last.campaignId}`}>{t("Ver campaña", "See campaign")}</Link> : null}
        </p>
      ) : null}
      {data.practices.length === 0 ? (
        <p className="warning-box">{t("Primero hace falta un consultorio.", "A practice is needed first.")}</p>
      ) : (
        <section className="card">
          <FormError message={answer && !("blockers" in answer && answer.blockers) ? answer.formError : undefined} />
          {answer && "blockers" in answer && answer.blockers ? <SendBlockers blockers={answer.blockers} isOwner={data.isOwner} /> : null}
          {answer && "shortfall" in answer && answer.shortfall ? (
            <p className="warning-box" role="alert" data-testid="shortfall">
              {t(`Faltan ${answer.shortfall.missing} créditos.`, `${answer.shortfall.missing} credits are missing.`)}{" "}
              {t("Pida al propietario que compre créditos en Facturación.", "Ask the owner to buy credits in Billing.")}
            </p>
          ) : null}
          {/* A new form after each send: the fields are empty for the next patient. */}
          <Form method="post" data-testid="send-form" key={data.last?.campaignId ?? "first"}>
            <CsrfInput />
            <div className="row">
              <Field id="name" label={t("Nombre del paciente", "Patient name")} error={errors.name}>
                {(p) => <input {...p} name="name" defaultValue={values.name ?? ""} required maxLength={200} autoComplete="off" />}
              </Field>
              <Field id="phone" label={t("Celular", "Mobile phone")} error={errors.phone} hint={t("Por ejemplo 098 765 4321 o +593 98 765 4321.", "For example 098 765 4321 or +593 98 765 4321.")}>
                {(p) => <input {...p} name="phone" type="tel" inputMode="tel" defaultValue={values.phone ?? ""} required autoComplete="off" />}
              </Field>
            </div>
            <PracticeDoctorFields choices={data} values={values} errors={errors} />
            <div className="row">
              <Field id="appointmentType" label={t("Tipo de cita (opcional)", "Appointment type (optional)")} error={errors.appointmentType}>
                {(p) => <input {...p} name="appointmentType" defaultValue={values.appointmentType ?? ""} maxLength={200} />}
              </Field>
              <ChannelField values={values} errors={errors} />
            </div>
            <div className="checkbox">
              <input
                id="consent"
                type="checkbox"
                name="consent"
                required
                {...(errors.consent ? { "aria-invalid": true, "aria-describedby": "consent-error" } : {})}
              />
              <label htmlFor="consent">{t("El paciente aceptó recibir este mensaje.", "The patient agreed to receive this message.")}</label>
            </div>
            {errors.consent ? (
              <p id="consent-error" className="field-error">
                {t("El paciente debe aceptar recibir el mensaje.", "The patient must agree to receive the message.")}
              </p>
            ) : null}
            <button type="submit" disabled={navigation.state === "submitting"}>
              {t("Enviar solicitud", "Send request")}
            </button>
          </Form>
        </section>
      )}
    </>
  );
}
