// Nueva campaña desde un CSV o un libro de Excel (SPEC §5.1): the upload is streamed into the
// importer's reader (never buffered past the 20 MiB limit) and stored as a DRAFT campaign; the preview
// page shows what it held before anything is sent. A workbook's sheet is a plain form field, a list of
// its sheets once one was uploaded, so choosing it needs no script. With JavaScript the form shows the
// upload's progress (components/upload-progress.tsx). Owners, doctors and receptionists.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { findPractice } from "@rm/accounts";
import { coded } from "@rm/catalogue";
import { createCampaignDraft, listCampaignDrafts, MAX_HOURS_AFTER } from "@rm/importer";
import { MAX_UPLOAD_BYTES, readCampaignUpload, UploadFormError, UploadTooLargeError } from "../.server/campaign-upload.server.ts";
import { campaignFormChoices, failure, importerFailure } from "../.server/campaigns.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { ChannelField, PracticeDoctorFields } from "../components/campaign-fields.tsx";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { formatCount } from "../components/charts.tsx";
import { UploadProgress, useUploadProgress } from "../components/upload-progress.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Nueva campaña · Reputation Manager" }];

const MAX_MB = Math.round(MAX_UPLOAD_BYTES / 1024 / 1024);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const isOwner = staff.user.role === "OWNER";
  // Drafts waiting for a confirmation (or for credits): owners see all, others their own.
  const drafts = await listCampaignDrafts(staff.em, staff.workspace.id, { userId: isOwner ? null : staff.user.id });
  return {
    ...(await campaignFormChoices(staff)),
    isOwner,
    maxMb: MAX_MB,
    maxHours: MAX_HOURS_AFTER,
    // Upload times in the workspace's zone: the server and the browser must render the same text.
    timezone: staff.workspace.timezone,
    drafts: drafts.map((d) => ({ id: d.campaignId, name: d.name, patients: d.patients, createdByName: d.createdByName, createdAt: d.createdAt.toISOString() })),
  };
}

function formFields(fields: Record<string, string>) {
  return {
    name: fields.name ?? "",
    practiceId: fields.practiceId ?? "",
    assignedDoctorId: fields.assignedDoctorId ?? "",
    channel: fields.channel ?? "",
    scheduledHoursAfter: fields.scheduledHoursAfter ?? "",
    sheet: fields.sheet ?? "",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The body is a streamed upload: the CSRF token is checked by readCampaignUpload, before the file.
  const staff = await requireUser(request, context, { roles: ROLES.ALL, csrf: "manual" });
  let upload;
  try {
    upload = await readCampaignUpload(request, {
      session: staff.session,
      defaultCountry: staff.workspace.defaultCountry,
      async timeZoneFor(fields) {
        const practice = await findPractice(staff.em, fields.practiceId);
        return practice?.timezone ?? staff.workspace.timezone;
      },
    });
  } catch (error) {
    if (error instanceof UploadTooLargeError) {
      return failure(413, {
        fieldErrors: { file: coded("imports.file.tooLarge", { mb: MAX_MB }) },
        formError: coded("imports.file.tooLargeNothingCreated", { mb: MAX_MB }),
        values: formFields(error.fields),
      });
    }
    if (error instanceof UploadFormError) return failure(400, { fieldErrors: {}, formError: error.text, values: {} });
    throw error;
  }
  const { fields, file } = upload;
  const values = formFields(fields);
  if (!file) return failure(400, { fieldErrors: { file: coded("upload.file.missing") }, values });
  if (!file.parsed.ok) {
    const fatal = file.parsed.fatal!;
    // A workbook of several sheets comes back with their list, to choose from.
    const sheets = file.parsed.sheets.length > 1 ? file.parsed.sheets : undefined;
    return failure(400, { fieldErrors: { file: fatal.text }, values, sheets });
  }
  const hours = values.scheduledHoursAfter.trim() === "" ? 2 : Number(values.scheduledHoursAfter);
  try {
    const { campaignId } = await createCampaignDraft(staff.em, {
      workspaceId: staff.workspace.id,
      practiceId: values.practiceId,
      assignedDoctorId: values.assignedDoctorId || null,
      createdById: staff.user.id,
      name: values.name,
      ...(values.channel === "SMS" || values.channel === "WHATSAPP" ? { channel: values.channel } : {}),
      scheduledHoursAfter: hours,
      parsed: file.parsed,
      fileName: file.name,
    });
    throw redirect(`/campaigns/drafts/${campaignId}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return importerFailure(error, values);
  }
}

type Choices = ReturnType<typeof useLoaderData<typeof loader>>;

export default function NewCampaign() {
  const choices = useLoaderData<typeof loader>();
  const msg = useMsg();
  return (
    <>
      <div className="page-title">
        <h1>{msg("upload.page.newCampaign")}</h1>
        <Link to="/campaigns/send">{msg("upload.page.sendToOnePatient")}</Link>
      </div>
      <DiscardedNotice />
      {choices.drafts.length > 0 ? <DraftsWaiting drafts={choices.drafts} timezone={choices.timezone} /> : null}
      {choices.practices.length === 0 ? <PracticeFirst isOwner={choices.isOwner} /> : <UploadForm choices={choices} />}
    </>
  );
}

/** After "Discard draft" on a preview. */
function DiscardedNotice() {
  const [params] = useSearchParams();
  const msg = useMsg();
  if (params.get("notice") !== "discarded") return null;
  return (
    <p className="notice" role="status">
      {msg("upload.page.draftDiscardedNothingWas")}
    </p>
  );
}

/** Uploads waiting for a confirmation (or for credits). */
function DraftsWaiting({ drafts, timezone }: { drafts: Choices["drafts"]; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="drafts-heading" data-testid="drafts">
      <h2 id="drafts-heading">{msg("upload.page.draftsNotConfirmedYet")}</h2>
      <ul className="plain-list">
        {drafts.map((d) => (
          <li key={d.id}>
            <Link to={`/campaigns/drafts/${d.id}`}>{d.name}</Link> ·{" "}
            {msg("upload.page.patientsUploadedBy", { patients: formatCount(d.patients, locale), createdByName: d.createdByName, when: formatDateTime(d.createdAt, locale, timezone) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function PracticeFirst({ isOwner }: { isOwner: boolean }) {
  const msg = useMsg();
  return (
    <section className="card">
      <h2>{msg("upload.page.firstAPractice")}</h2>
      <p>{isOwner ? <Link to="/practices/new">{msg("upload.page.createYourFirstPractice")}</Link> : msg("upload.page.askTheOwnerTo")}</p>
    </section>
  );
}

/** The CSV or workbook upload: a multipart POST streamed to the importer (works without JavaScript). */
function UploadForm({ choices }: { choices: Choices }) {
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const msg = useMsg();
  const values: Record<string, string> = { ...choices.defaults, ...(answer?.values ?? {}) };
  const errors = answer?.fieldErrors ?? {};
  const upload = useUploadProgress();
  const busy = navigation.state === "submitting" || upload.phase.kind !== "idle";
  return (
    <section className="card" aria-labelledby="upload-heading">
      <h2 id="upload-heading">{msg("upload.page.uploadTheAppointmentList")}</h2>
      <p className="muted">{msg("upload.intro", { mb: choices.maxMb })}</p>
      <p data-testid="sample-files">
        {msg("upload.samples")} <a href="/campaigns/sample.xlsx" download>{msg("upload.sample.xlsx")}</a> ·{" "}
        <a href="/campaigns/sample.csv" download>{msg("upload.sample.csv")}</a>
      </p>
      <FormError message={answer?.formError} />
      {answer ? <p className="hint">{msg("upload.page.chooseTheFileAgain")}</p> : null}
      <Form method="post" encType="multipart/form-data" data-testid="upload-form" onSubmit={upload.onSubmit}>
        <CsrfInput />
        <Field id="name" label={msg("upload.page.campaignName")} error={errors.name}>
          {(p) => <input {...p} name="name" defaultValue={values.name ?? ""} required maxLength={200} placeholder={msg("upload.page.mondaySAppointments")} />}
        </Field>
        <PracticeDoctorFields choices={choices} values={values} errors={errors} />
        <div className="row">
          <Field
            id="scheduledHoursAfter"
            label={msg("upload.page.hoursAfterTheAppointment")}
            error={errors.scheduledHoursAfter}
            hint={msg("upload.page.neverDuringQuietHours")}
          >
            {(p) => <input {...p} name="scheduledHoursAfter" type="number" min={0} max={choices.maxHours} step={1} defaultValue={values.scheduledHoursAfter ?? "2"} required />}
          </Field>
          <ChannelField values={values} errors={errors} hint={msg("upload.page.forRowsWithoutA")} />
        </div>
        {/* Last in the form: the fields above arrive first in the streamed body. */}
        <Field id="sheet" label={msg("upload.sheet.label")} error={errors.sheet} hint={msg("upload.sheet.hint")}>
          {(p) =>
            answer?.sheets ? (
              <select {...p} name="sheet" defaultValue={values.sheet ?? ""}>
                <option value="">{msg("upload.sheet.first")}</option>
                {answer.sheets.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            ) : (
              <input {...p} name="sheet" defaultValue={values.sheet ?? ""} maxLength={200} />
            )
          }
        </Field>
        <Field id="file" label={msg("upload.file.label")} error={errors.file} hint={msg("upload.page.atMostMb", { maxMb: String(choices.maxMb) })}>
          {(p) => (
            <input
              {...p}
              name="file"
              type="file"
              accept=".csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              required
            />
          )}
        </Field>
        <UploadProgress phase={upload.phase} />
        <button type="submit" disabled={busy}>
          {upload.phase.kind === "uploading" ? msg("upload.page.sending") : busy ? msg("upload.page.readingTheFile") : msg("upload.page.uploadAndReview")}
        </button>
      </Form>
    </section>
  );
}
