// Enviar a un paciente ahora (the receptionist's checkout flow, SPEC §5): one patient, due now,
// through the same path as a CSV import (consent, opt-out, cooldown, quiet hours, credit hold, outbox).
// After sending, the form is ready for the next patient and says what happened to the last one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listLinksToDetail } from "@rm/campaigns";
import { coded } from "@rm/catalogue";
import { formatPhone } from "@rm/domain";
import { findOwnSingleSend, sendToOnePatient } from "@rm/importer";
import { campaignFormChoices, failure, importerFailure } from "../.server/campaigns.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { getEnv } from "../.server/env.server.ts";
import { formObject } from "../.server/forms.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { ChannelField, PracticeDoctorFields } from "../components/campaign-fields.tsx";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { SendBlockers } from "../components/send-blockers.tsx";
import { formatCount } from "../components/charts.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Enviar a un paciente · Reputation Manager" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const sent = new URL(request.url).searchParams.get("sent") ?? "";
  // The last send, read back from the database (no name or phone in the URL); only the user's own.
  const last = UUID.test(sent) ? await findOwnSingleSend(staff.em, { workspaceId: staff.workspace.id, userId: staff.user.id, campaignId: sent }) : null;
  // The phone as staff read it (national format); the database keeps E.164.
  const shown = last ? { ...last, phone: formatPhone(last.phone, staff.workspace.defaultCountry) } : null;
  return { ...(await campaignFormChoices(staff)), last: shown, canOpenCampaign: listLinksToDetail({ userId: staff.user.id, role: staff.user.role }), isOwner: staff.user.role === "OWNER" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const form = await request.formData();
  const values = formObject(form);
  const channel = values.channel === "SMS" || values.channel === "WHATSAPP" ? values.channel : undefined;
  if (!values.assignedDoctorId) return failure(400, { fieldErrors: { assignedDoctorId: coded("imports.error.doctorRequired") }, values });
  const choices = await campaignFormChoices(staff);
  if (!choices.doctors.some((d) => d.id === values.assignedDoctorId)) {
    return failure(400, { fieldErrors: { assignedDoctorId: coded("imports.error.doctorRequired") }, values });
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

const SKIPPED = ["OPTED_OUT", "ERASED", "COOLDOWN", "APPOINTMENT_TOO_OLD"] as const;

export default function SendToOne() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const msg = useMsg();
  const locale = useLocale();
  const values: Record<string, string> = { ...data.defaults, ...(answer?.values ?? {}) };
  const errors = answer?.fieldErrors ?? {};
  const last = answer ? null : data.last;
  const skipped = SKIPPED.find((r) => r === last?.skipReason);

  return (
    <>
      <div className="page-title">
        <h1>{msg("sendOne.sendToOnePatient")}</h1>
        <Link to="/campaigns/new">{msg("sendOne.uploadAListCsv")}</Link>
      </div>
      {last ? (
        <p className={skipped ? "warning-box" : "notice"} role="status" data-testid="send-result">
          {last.name} ({last.phone}):{" "}
          {skipped
            ? msg(`sendOne.skipped.${skipped}`)
            : last.sendAt
              ? msg("sendOne.ratingRequestScheduledFor", { when: formatDateTime(last.sendAt, locale, last.timezone) })
              : msg("sendOne.requestRecorded")}{" "}
          {data.canOpenCampaign ? <Link to={`/campaigns/${last.campaignId}`}>{msg("sendOne.seeCampaign")}</Link> : null}
        </p>
      ) : null}
      {data.practices.length === 0 ? (
        <p className="warning-box">{msg("sendOne.aPracticeIsNeeded")}</p>
      ) : (
        <section className="card">
          <FormError message={answer && !("blockers" in answer && answer.blockers) ? answer.formError : undefined} />
          {answer && "blockers" in answer && answer.blockers ? <SendBlockers blockers={answer.blockers} isOwner={data.isOwner} /> : null}
          {answer && "shortfall" in answer && answer.shortfall ? (
            <p className="warning-box" role="alert" data-testid="shortfall">
              {msg("sendOne.creditsAreMissing", { missing: formatCount(answer.shortfall.missing, locale) })}{" "}
              {msg("sendOne.askTheOwnerTo")}
            </p>
          ) : null}
          {/* A new form after each send: the fields are empty for the next patient. */}
          <Form method="post" data-testid="send-form" key={data.last?.campaignId ?? "first"}>
            <CsrfInput />
            <div className="row">
              <Field id="name" label={msg("sendOne.patientName")} error={errors.name}>
                {(p) => <input {...p} name="name" defaultValue={values.name ?? ""} required maxLength={200} autoComplete="off" />}
              </Field>
              <Field id="phone" label={msg("sendOne.mobilePhone")} error={errors.phone} hint={msg("sendOne.forExampleOr")}>
                {(p) => <input {...p} name="phone" type="tel" inputMode="tel" defaultValue={values.phone ?? ""} required autoComplete="off" />}
              </Field>
            </div>
            <PracticeDoctorFields choices={data} values={values} errors={errors} />
            <div className="row">
              <Field id="appointmentType" label={msg("sendOne.appointmentTypeOptional")} error={errors.appointmentType}>
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
              <label htmlFor="consent">{msg("sendOne.thePatientAgreedTo")}</label>
            </div>
            {errors.consent ? (
              <p id="consent-error" className="field-error">
                {msg("sendOne.thePatientMustAgree")}
              </p>
            ) : null}
            <button type="submit" disabled={navigation.state === "submitting"}>
              {msg("sendOne.sendRequest")}
            </button>
          </Form>
        </section>
      )}
    </>
  );
}
