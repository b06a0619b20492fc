// Vista previa de una campaña (SPEC §5.1–5.2): what the uploaded file held — accepted, rejected (line,
// column, reason; downloadable), without consent, merged duplicates, skipped with the reason — and the
// credits it needs against the balance. Confirming activates the DRAFT in one transaction; discarding
// deletes it. Owners, the uploader and the assigned doctor.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ownWhatsAppReadiness } from "@rm/accounts";
import { listLinksToDetail, type Viewer } from "@rm/campaigns";
import { confirmCampaignDraft, discardCampaignDraft, getCampaignDraft, listAssignableDoctors, previewCampaignDraft } from "@rm/importer";
import type { ReactNode } from "react";
import { failure, importerFailure, requireDraftAccess } from "../.server/campaigns.server.ts";
import { getEnv } from "../.server/env.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ConsentAttestation } from "../components/consent.tsx";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { SendBlockers } from "../components/send-blockers.tsx";
import { formatDateTime, msgFor, useLocale, useMsg, useT, type Translate } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction = () => [{ title: "Vista previa de la campaña · Reputation Manager" }];

/** Rows listed per table; the counts are always complete and the rejected rows downloadable. */
const LIST_LIMIT = 100;

/** The campaign's page for those who may open it; receptionists see the list only (SPEC §3). */
function campaignPageOr(staff: { user: { id: string; role: Viewer["role"] } }, listUrl: string, campaignId: string): string {
  return listLinksToDetail({ userId: staff.user.id, role: staff.user.role }) ? `/campaigns/${campaignId}` : listUrl;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const shown = await previewCampaignDraft(staff.em, { workspaceId: staff.workspace.id, campaignId: params.id ?? "", publicUrl: getEnv().PUBLIC_URL, skippedLimit: LIST_LIMIT * 2, platform: platformSending() });
  if (!shown) notFound();
  const { draft, preview } = shown;
  requireDraftAccess(staff, draft);
  if (draft.status !== "DRAFT") throw redirect(campaignPageOr(staff, "/campaigns", draft.campaignId));
  const consentMissing = draft.rows.filter((r) => !r.consent);
  // A file with a doctor column: each row's doctor is shown (the campaign's where the row names none).
  const doctors = draft.rows.some((r) => r.doctorId) ? new Map((await listAssignableDoctors(staff.em, staff.workspace.id)).map((d) => [d.id, d.name])) : null;
  const row = (r: (typeof draft.rows)[number]) => ({
    doctorName: r.doctorId ? (doctors?.get(r.doctorId) ?? null) : draft.doctorName,
    line: r.line,
    name: r.name,
    phone: r.phone,
    appointmentAt: r.appointmentAt.toISOString(),
    appointmentHasTime: r.appointmentHasTime,
    channel: r.channel ?? draft.channel,
    consent: r.consent,
  });
  // An own account whose WhatsApp switch is still blocked (SPEC §12): say so before confirming.
  const readiness = preview && preview.channels.WHATSAPP > 0 ? await ownWhatsAppReadiness(staff.em, staff.workspace.id) : null;
  const ownWhatsAppBlocked = readiness && readiness.connected && !readiness.switched ? readiness.required.filter((r) => r.status !== "APPROVED").map((r) => r.type) : null;
  return {
    ownWhatsAppBlocked: ownWhatsAppBlocked && ownWhatsAppBlocked.length > 0 ? ownWhatsAppBlocked : null,
    isOwner: staff.user.role === "OWNER",
    rowDoctors: doctors !== null,
    draft: {
      id: draft.campaignId,
      name: draft.name,
      practiceName: draft.practiceName,
      doctorName: draft.doctorName,
      createdByName: draft.createdByName,
      scheduledHoursAfter: draft.scheduledHoursAfter,
      channel: draft.channel,
      fileName: draft.fileName,
      encoding: draft.encoding,
      delimiter: draft.delimiter,
      timeZone: draft.timeZone,
      expired: draft.expired,
      expiresAt: draft.expiresAt.toISOString(),
      warnings: draft.warnings,
      counts: draft.counts,
      consentColumn: draft.consentColumn,
    },
    accepted: draft.rows.slice(0, LIST_LIMIT).map(row),
    consentMissing: consentMissing.slice(0, LIST_LIMIT).map(row),
    consentMissingTotal: consentMissing.length,
    rejected: draft.rejected.slice(0, LIST_LIMIT).map((r) => ({ line: r.line, problems: r.problems.map((p) => ({ column: p.column, value: p.value, reason: p.reason, code: p.code ?? null, params: p.params ?? null })) })),
    duplicates: draft.duplicates.slice(0, LIST_LIMIT),
    preview: preview
      ? {
          counts: preview.counts,
          credits: preview.credits,
          channels: preview.channels,
          blockers: preview.blockers,
          firstSendAt: preview.firstSendAt?.toISOString() ?? null,
          lastSendAt: preview.lastSendAt?.toISOString() ?? null,
          // Rows without consent have their own table.
          skipped: preview.skipped.filter((s) => s.reason !== "NO_CONSENT").slice(0, LIST_LIMIT),
          skippedTotal: preview.counts.skipped - (preview.counts.skippedBy.NO_CONSENT ?? 0),
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const draft = await getCampaignDraft(staff.em, staff.workspace.id, params.id ?? "", { withRows: false });
  if (!draft) notFound();
  requireDraftAccess(staff, draft);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "discard") {
    await discardCampaignDraft(staff.em, staff.workspace.id, draft.campaignId);
    throw redirect("/campaigns/new?notice=discarded");
  }
  if (intent !== "confirm") return failure(400, { fieldErrors: {}, formError: "Acción desconocida.", values: {} });
  // A file without a consent column imports only on the uploader's explicit word (SPEC §13).
  const msg = msgFor(await getLocale(request));
  const attested = form.get("consentAttested") === "yes";
  if (!draft.consentColumn && !attested) return failure(400, { fieldErrors: {}, formError: msg("consent.attestation.required"), values: {} });
  try {
    await confirmCampaignDraft(staff.em, {
      workspaceId: staff.workspace.id,
      campaignId: draft.campaignId,
      confirmedById: staff.user.id,
      publicUrl: getEnv().PUBLIC_URL,
      ip: staff.ip,
      // Confirm checks again what the preview showed: no send without a sender and approved templates.
      platform: platformSending(),
      // The statement as the user read it is the consent events' evidence.
      consentAttestation: attested ? msg("consent.attestation.statement") : null,
    });
  } catch (error) {
    return importerFailure(error, {});
  }
  // Receptionists see the campaign list only (SPEC §3): they land there, told it went through.
  throw redirect(campaignPageOr(staff, "/campaigns?notice=confirmed", draft.campaignId));
}

const SKIP_LABELS: Record<string, [string, string]> = {
  NO_CONSENT: ["Sin consentimiento: se guarda, no se le escribe", "No consent: stored, never messaged"],
  OPTED_OUT: ["Pidió no recibir mensajes", "Opted out of messages"],
  ERASED: ["Sus datos fueron borrados a su pedido", "Erased at their request"],
  COOLDOWN: ["Ya se le pidió una calificación hace poco (periodo de espera)", "Asked recently (cooldown)"],
  APPOINTMENT_TOO_OLD: ["La cita es demasiado antigua", "The appointment is too old"],
  DUPLICATE: ["Teléfono repetido", "Repeated phone"],
  NOT_MOBILE: ["Teléfono fijo: no recibe WhatsApp ni SMS", "Landline: cannot receive WhatsApp or SMS"],
  INSUFFICIENT_CREDITS: ["Créditos insuficientes", "Not enough credits"],
};

function skipLabel(reason: string, t: Translate): string {
  const label = SKIP_LABELS[reason];
  return label ? t(label[0], label[1]) : reason;
}

function More({ shown, total }: { shown: number; total: number }) {
  const t = useT();
  if (total <= shown) return null;
  return <p className="hint">{t(`Se muestran ${shown} de ${total}.`, `Showing ${shown} of ${total}.`)}</p>;
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Draft = Loaded["draft"];
type Preview = NonNullable<Loaded["preview"]>;
type Answer = ReturnType<typeof useActionData<typeof action>>;

export default function CampaignDraftPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { draft, preview } = data;
  return (
    <>
      <DraftHeader draft={draft} />
      <DraftSummary draft={draft} preview={preview} />
      <DraftCredits draft={draft} preview={preview} answer={answer} isOwner={data.isOwner} ownWhatsAppBlocked={data.ownWhatsAppBlocked} />
      <RejectedRows draft={draft} rejected={data.rejected} />
      {/* A file without a consent column imports on the uploader's attestation: no row lacks consent. */}
      {draft.consentColumn ? <ConsentMissingRows draft={draft} rows={data.consentMissing} total={data.consentMissingTotal} /> : null}
      {preview && preview.skippedTotal > 0 ? <SkippedRows preview={preview} /> : null}
      {data.duplicates.length > 0 ? <DuplicateRows draft={draft} duplicates={data.duplicates} /> : null}
      <AcceptedRows draft={draft} rows={data.accepted} withDoctors={data.rowDoctors} />
    </>
  );
}

/** Dates and times of the upload, in the zone its appointments were read in. */
function useWhen(draft: Draft): (iso: string) => string {
  const locale = useLocale();
  return (iso) => formatDateTime(iso, locale, draft.timeZone);
}

function DraftHeader({ draft }: { draft: Draft }) {
  const t = useT();
  return (
    <>
      <div className="page-title">
        <h1>{t("Vista previa", "Preview")}: {draft.name}</h1>
        <Link to="/campaigns">{t("Ver campañas", "See campaigns")}</Link>
      </div>
      <p className="muted">
        {draft.practiceName} · {t("Médico", "Doctor")}: {draft.doctorName ?? "—"} · {t(`${draft.scheduledHoursAfter} h después de la cita`, `${draft.scheduledHoursAfter} h after the appointment`)} ·{" "}
        {draft.channel === "SMS" ? "SMS" : "WhatsApp"} · {draft.fileName ?? ""}
        {/* A workbook has no text encoding or delimiter to show. */}
        {/\.xls[xm]$/i.test(draft.fileName ?? "") ? null : ` (${draft.encoding}, «${draft.delimiter === "\t" ? "tab" : draft.delimiter}»)`}
      </p>
      {draft.warnings.map((w) => (
        <p key={w} className="warning-box">
          {w}
        </p>
      ))}
    </>
  );
}

function DraftSummary({ draft, preview }: { draft: Draft; preview: Loaded["preview"] }) {
  const t = useT();
  const msg = useMsg();
  const when = useWhen(draft);
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{t("Resumen", "Summary")}</h2>
      <dl className="stats" data-testid="counts">
        <Stat label={t("Filas leídas", "Rows read")} testId="count-rows" value={draft.counts.rows} />
        <Stat label={t("Aceptadas", "Accepted")} testId="count-accepted" value={draft.counts.accepted} />
        <Stat label={t("Rechazadas", "Rejected")} testId="count-rejected" value={draft.counts.rejected} />
        <Stat label={t("Sin consentimiento", "No consent")} testId="count-no-consent" value={draft.counts.consentMissing} />
        <Stat label={t("Repetidas (unidas)", "Duplicates (merged)")} testId="count-duplicates" value={draft.counts.duplicates} />
        {preview ? (
          <>
            <Stat label={t("Se enviarán", "Will be sent")} testId="count-scheduled" value={preview.counts.scheduled} />
            <Stat label={msg("sending.preview.byWhatsapp")} testId="count-whatsapp" value={preview.channels.WHATSAPP} />
            <Stat label={msg("sending.preview.bySms")} testId="count-sms" value={preview.channels.SMS} />
            <Stat label={t("No se enviarán", "Will not be sent")} testId="count-skipped" value={preview.counts.skipped} />
          </>
        ) : null}
      </dl>
      {preview && preview.firstSendAt ? (
        <p>
          {t("Primer envío", "First send")}: {when(preview.firstSendAt)}
          {preview.lastSendAt && preview.lastSendAt !== preview.firstSendAt ? ` · ${t("último", "last")}: ${when(preview.lastSendAt)}` : ""}
        </p>
      ) : null}
    </section>
  );
}

function Stat({ label, testId, value }: { label: string; testId: string; value: number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** Credits needed against the balance, what stops the send, and the confirm and discard buttons. */
function DraftCredits({ draft, preview, answer, isOwner, ownWhatsAppBlocked }: { draft: Draft; preview: Loaded["preview"]; answer: Answer; isOwner: boolean; ownWhatsAppBlocked: string[] | null }) {
  const navigation = useNavigation();
  const t = useT();
  const shortfall = answer && "shortfall" in answer && answer.shortfall ? answer.shortfall.missing : preview && preview.credits.shortfall > 0 ? preview.credits.shortfall : 0;
  const busy = navigation.state === "submitting";
  // The confirm's answer is the fresher one; credits have their own box below.
  const blockers = (answer && "blockers" in answer && answer.blockers ? answer.blockers : (preview?.blockers ?? [])).filter((b) => b.code !== "INSUFFICIENT_CREDITS");
  return (
    <section className="card" aria-labelledby="credits-heading">
      <h2 id="credits-heading">{t("Créditos", "Credits")}</h2>
      {draft.expired ? (
        <p className="error" role="alert">
          {t("Este borrador expiró. Descártelo y suba el archivo de nuevo.", "This draft expired. Discard it and upload the file again.")}
        </p>
      ) : preview ? (
        <>
          <CreditsNeeded credits={preview.credits} />
          {shortfall > 0 ? <Shortfall missing={shortfall} isOwner={isOwner} /> : null}
        </>
      ) : null}
      <SendBlockers blockers={blockers} isOwner={isOwner} />
      {ownWhatsAppBlocked ? <OwnWhatsAppPreflight missing={ownWhatsAppBlocked} isOwner={isOwner} /> : null}
      <FormError message={answer && !("shortfall" in answer && answer.shortfall) && !("blockers" in answer && answer.blockers) ? answer.formError : undefined} />
      <div className="buttons">
        {!draft.expired && preview && preview.counts.patients > 0 ? (
          <Form method="post">
            <CsrfInput />
            {draft.consentColumn ? null : <ConsentAttestation />}
            <button type="submit" name="intent" value="confirm" disabled={busy || blockers.length > 0}>
              {t(`Confirmar e importar ${preview.counts.patients} pacientes`, `Confirm and import ${preview.counts.patients} patients`)}
            </button>
          </Form>
        ) : null}
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="discard" className="secondary" disabled={busy}>
            {t("Descartar borrador", "Discard draft")}
          </button>
        </Form>
      </div>
    </section>
  );
}

function CreditsNeeded({ credits }: { credits: Preview["credits"] }) {
  const t = useT();
  return (
    <p data-testid="credits">
      {credits.unlimited
        ? t(`Se necesitan ${credits.needed} créditos; su plan no tiene límite.`, `${credits.needed} credits needed; your plan is unlimited.`)
        : t(`Se necesitan ${credits.needed} créditos (mensaje inicial y un seguimiento por paciente); tiene ${credits.available}.`, `${credits.needed} credits needed (initial message and one follow-up per patient); you have ${credits.available}.`)}
    </p>
  );
}

function Shortfall({ missing, isOwner }: { missing: number; isOwner: boolean }) {
  const t = useT();
  return (
    <div className="warning-box" role="alert" data-testid="shortfall">
      <p>
        <strong>{t(`Faltan ${missing} créditos para confirmar esta campaña.`, `${missing} credits are missing to confirm this campaign.`)}</strong>{" "}
        {t("El borrador se guarda: confírmelo cuando tenga créditos.", "The draft is kept: confirm it once you have credits.")}
      </p>
      <p>
        {isOwner ? (
          <Link to="/billing">{t("Comprar créditos o mejorar el plan", "Buy credits or upgrade the plan")}</Link>
        ) : (
          t("Pida al propietario de la cuenta que compre créditos en Facturación.", "Ask the account owner to buy credits in Billing.")
        )}
      </p>
    </div>
  );
}

/** A table of the upload's rows: column headers, then the body the caller gives. */
function RowsTable({ testId, caption, headers, children }: { testId: string; caption?: string; headers: string[]; children: ReactNode }) {
  return (
    <table data-testid={testId}>
      {caption ? <caption className="visually-hidden">{caption}</caption> : null}
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function RejectedRows({ draft, rejected }: { draft: Draft; rejected: Loaded["rejected"] }) {
  const t = useT();
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="rejected-heading">
      <h2 id="rejected-heading">
        {t("Filas rechazadas", "Rejected rows")} ({draft.counts.rejected})
      </h2>
      {draft.counts.rejected + draft.counts.duplicates > 0 ? (
        <p>
          <a href={`/campaigns/drafts/${draft.id}/rejected.csv`} download data-testid="download-rejected">
            {t("Descargar las filas rechazadas (CSV para Excel)", "Download the rejected rows (CSV for Excel)")}
          </a>
        </p>
      ) : null}
      {rejected.length === 0 ? (
        <p className="muted">{t("Ninguna: todas las filas se leyeron bien.", "None: every row was read.")}</p>
      ) : (
        <RowsTable
          testId="rejected-table"
          caption={t("Filas rechazadas con la línea, la columna y el motivo", "Rejected rows with line, column and reason")}
          headers={[t("Línea", "Line"), t("Columna", "Column"), t("Valor", "Value"), t("Motivo", "Reason")]}
        >
          {rejected.flatMap((r) =>
            r.problems.map((p, i) => (
              <tr key={`${r.line}-${i}`}>
                <td>{r.line}</td>
                <td>{p.column}</td>
                <td className="details">{p.value}</td>
                {/* Reasons the workspace decides (the doctor column, the destination country) carry a catalogue code: shown in the reader's language. */}
                <td>{p.code && p.params ? (msg as (code: typeof p.code, params: Record<string, string>) => string)(p.code, p.params) : p.reason}</td>
              </tr>
            )),
          )}
        </RowsTable>
      )}
      <More shown={rejected.length} total={draft.counts.rejected} />
    </section>
  );
}

function ConsentMissingRows({ draft, rows, total }: { draft: Draft; rows: Loaded["consentMissing"]; total: number }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="consent-heading">
      <h2 id="consent-heading">
        {t("Sin consentimiento", "Without consent")} ({draft.counts.consentMissing})
      </h2>
      <p className="muted">{t("Se guardan con la campaña, pero nunca reciben mensajes.", "They are stored with the campaign but never messaged.")}</p>
      {rows.length > 0 ? (
        <RowsTable testId="consent-table" headers={[t("Línea", "Line"), t("Nombre", "Name"), t("Teléfono", "Phone")]}>
          {rows.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              <td>{r.name}</td>
              <td>{r.phone}</td>
            </tr>
          ))}
        </RowsTable>
      ) : null}
      <More shown={rows.length} total={total} />
    </section>
  );
}

function SkippedRows({ preview }: { preview: Preview }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="skipped-heading">
      <h2 id="skipped-heading">
        {t("No se les escribirá", "Will not be messaged")} ({preview.skippedTotal})
      </h2>
      <RowsTable testId="skipped-table" headers={[t("Línea", "Line"), t("Nombre", "Name"), t("Teléfono", "Phone"), t("Motivo", "Reason")]}>
        {preview.skipped.map((s) => (
          <tr key={`${s.line}-${s.phone}`}>
            <td>{s.line ?? "—"}</td>
            <td>{s.name}</td>
            <td>{s.phone}</td>
            <td>{skipLabel(s.reason, t)}</td>
          </tr>
        ))}
      </RowsTable>
      <More shown={preview.skipped.length} total={preview.skippedTotal} />
    </section>
  );
}

function DuplicateRows({ draft, duplicates }: { draft: Draft; duplicates: Loaded["duplicates"] }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="duplicates-heading">
      <h2 id="duplicates-heading">
        {t("Teléfonos repetidos (unidos)", "Repeated phones (merged)")} ({draft.counts.duplicates})
      </h2>
      <RowsTable testId="duplicates-table" headers={[t("Línea", "Line"), t("Teléfono", "Phone"), t("Se usa la línea", "Line kept")]}>
        {duplicates.map((d) => (
          <tr key={d.line}>
            <td>{d.line}</td>
            <td>{d.phone}</td>
            <td>{d.firstLine}</td>
          </tr>
        ))}
      </RowsTable>
      <More shown={duplicates.length} total={draft.counts.duplicates} />
    </section>
  );
}

function AcceptedRows({ draft, rows, withDoctors }: { draft: Draft; rows: Loaded["accepted"]; withDoctors: boolean }) {
  const t = useT();
  const msg = useMsg();
  const when = useWhen(draft);
  return (
    <section className="card" aria-labelledby="accepted-heading">
      <h2 id="accepted-heading">
        {t("Filas aceptadas", "Accepted rows")} ({draft.counts.accepted})
      </h2>
      {rows.length > 0 ? (
        <RowsTable
          testId="accepted-table"
          headers={[
            t("Línea", "Line"),
            t("Nombre", "Name"),
            t("Teléfono", "Phone"),
            t("Cita", "Appointment"),
            t("Canal", "Channel"),
            t("Consentimiento", "Consent"),
            ...(withDoctors ? [msg("imports.preview.doctor")] : []),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              <td>{r.name}</td>
              <td>{r.phone}</td>
              <td>{when(r.appointmentAt)}</td>
              <td>{r.channel === "SMS" ? "SMS" : "WhatsApp"}</td>
              <td>{r.consent ? t("Sí", "Yes") : t("No", "No")}</td>
              {withDoctors ? <td>{r.doctorName ?? "—"}</td> : null}
            </tr>
          ))}
        </RowsTable>
      ) : (
        <p className="muted">{t("Ninguna fila se pudo importar.", "No row could be imported.")}</p>
      )}
      <More shown={rows.length} total={draft.counts.accepted} />
    </section>
  );
}

/** The own number cannot send WhatsApp yet: this campaign's WhatsApp leaves from the platform's sender. */
function OwnWhatsAppPreflight({ missing, isOwner }: { missing: string[]; isOwner: boolean }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <p className="notice" role="status" data-testid="own-whatsapp-preflight">
      {msg("whatsappSwitch.preflight", { missing: missing.map((t) => TEMPLATE_TYPE_LABELS[t]?.[locale] ?? t).join(", ") })}
      {isOwner ? (
        <>
          {" "}
          <Link to="/settings/sender">{msg("whatsappSwitch.title")}</Link>
        </>
      ) : null}
    </p>
  );
}
