// Vista previa de una campaña (SPEC §5.1–5.2): what the uploaded file held — accepted, rejected (line,
// column, reason; downloadable), without consent, merged duplicates, skipped with the reason — and the
// credits it needs against the balance. Confirming activates the DRAFT in one transaction — in the
// request for a small file, in the worker for one of CONFIRM_IN_BACKGROUND_ROWS rows or more, this page
// then showing its progress (live with JavaScript, on reload without); discarding deletes it. Owners,
// the uploader and the assigned doctor.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { ownWhatsAppReadiness } from "@rm/accounts";
import { listLinksToDetail, type Viewer } from "@rm/campaigns";
import { isMessageCode } from "@rm/catalogue";
import { formatPhone } from "@rm/domain";
import { confirmCampaignDraft, discardCampaignDraft, getCampaignDraft, listAssignableDoctors, previewCampaignDraft, requestDraftConfirm, type CampaignDraftView } from "@rm/importer";
import { useEffect, type ReactNode } from "react";
import { failure, importerFailure, requireDraftAccess } from "../.server/campaigns.server.ts";
import { getEnv } from "../.server/env.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ConsentAttestation } from "../components/consent.tsx";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { SendBlockers } from "../components/send-blockers.tsx";
import { formatCount } from "../components/charts.tsx";
import { formatDateTime, msgFor, textIn, useLocale, useMsg, type Locale, type Text } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

/** How often the page asks how a background confirm is going, with JavaScript. */
const PROGRESS_POLL_MS = 1_000;

/** A confirm the worker has not finished: the page shows its progress instead of the preview. */
function runningConfirm(draft: CampaignDraftView) {
  const b = draft.backgroundConfirm;
  return b && b.stage !== "failed" ? { stage: b.stage, done: b.done, total: draft.counts.accepted } : null;
}

/** Rows listed per table; the counts are always complete and the rejected rows downloadable. */
const LIST_LIMIT = 100;

/** The campaign's page for those who may open it; receptionists see the list only (SPEC §3). */
function campaignPageOr(staff: { user: { id: string; role: Viewer["role"] } }, listUrl: string, campaignId: string): string {
  return listLinksToDetail({ userId: staff.user.id, role: staff.user.role }) ? `/campaigns/${campaignId}` : listUrl;
}

/** A rejected row's reason: its catalogue code and parameters, or the Spanish text of a draft stored before codes. */
function reasonText(p: { reason: string; code?: string; params?: Record<string, string | number> }): Text {
  if (!isMessageCode(p.code)) return p.reason;
  return p.params ? { code: p.code, params: p.params } : { code: p.code };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const msg = msgFor(await getLocale(request));
  // While the worker imports, the page shows only how far it got (the preview would read every row).
  const head = await getCampaignDraft(staff.em, staff.workspace.id, params.id ?? "", { withRows: false });
  if (!head) notFound();
  requireDraftAccess(staff, head);
  if (head.status !== "DRAFT") throw redirect(campaignPageOr(staff, "/campaigns?notice=confirmed", head.campaignId));
  const running = runningConfirm(head);
  if (running) return { title: msg("draft.meta"), running, name: head.name, id: head.campaignId } as const;
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
    phone: formatPhone(r.phone, staff.workspace.defaultCountry),
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
    title: msg("draft.meta"),
    running: null,
    backgroundFailure: draft.backgroundConfirm?.failure ?? null,
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
    // Reasons are catalogue codes, shown in the reader's language; drafts stored before that hold Spanish text.
    rejected: draft.rejected.slice(0, LIST_LIMIT).map((r) => ({ line: r.line, problems: r.problems.map((p) => ({ column: p.column, value: p.value, reason: reasonText(p) })) })),
    duplicates: draft.duplicates.slice(0, LIST_LIMIT).map((d) => ({ ...d, phone: formatPhone(d.phone, staff.workspace.defaultCountry) })),
    preview: preview
      ? {
          counts: preview.counts,
          credits: preview.credits,
          channels: preview.channels,
          blockers: preview.blockers,
          firstSendAt: preview.firstSendAt?.toISOString() ?? null,
          lastSendAt: preview.lastSendAt?.toISOString() ?? null,
          // Rows without consent have their own table.
          skipped: preview.skipped
            .filter((s) => s.reason !== "NO_CONSENT")
            .slice(0, LIST_LIMIT)
            .map((s) => ({ ...s, phone: formatPhone(s.phone, staff.workspace.defaultCountry) })),
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
  const msg = msgFor(await getLocale(request));
  if (intent !== "confirm") return failure(400, { fieldErrors: {}, formError: msg("draft.unknownAction"), values: {} });
  // A file without a consent column imports only on the uploader's explicit word (SPEC §13).
  const attested = form.get("consentAttested") === "yes";
  if (!draft.consentColumn && !attested) return failure(400, { fieldErrors: {}, formError: msg("consent.attestation.required"), values: {} });
  if (draft.counts.accepted >= getEnv().CONFIRM_IN_BACKGROUND_ROWS) {
    // A large file: the worker imports it from the rows kept with the draft; this page follows it.
    try {
      const queued = await requestDraftConfirm(staff.em, {
        workspaceId: staff.workspace.id,
        campaignId: draft.campaignId,
        confirmedById: staff.user.id,
        ip: staff.ip,
        consentAttestation: attested ? msg("consent.attestation.statement") : null,
      });
      if (queued.alreadyConfirmed) throw redirect(campaignPageOr(staff, "/campaigns?notice=confirmed", draft.campaignId));
    } catch (error) {
      if (error instanceof Response) throw error;
      return importerFailure(error, {});
    }
    throw redirect(`/campaigns/drafts/${draft.campaignId}`);
  }
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

const SKIP_REASONS = ["NO_CONSENT", "OPTED_OUT", "ERASED", "COOLDOWN", "APPOINTMENT_TOO_OLD", "DUPLICATE", "NOT_MOBILE", "INSUFFICIENT_CREDITS"] as const;

function skipLabel(reason: string, msg: ReturnType<typeof useMsg>): string {
  const known = SKIP_REASONS.find((r) => r === reason);
  return known ? msg(`draft.skip.${known}`) : reason;
}

function More({ shown, total }: { shown: number; total: number }) {
  const msg = useMsg();
  const n = useCount();
  if (total <= shown) return null;
  return <p className="hint">{msg("draft.showingOf", { shown: n(shown), total: n(total) })}</p>;
}

/** Counts as the page writes them ("50.000" in Spanish, "50,000" in English). */
function useCount(): (n: number) => string {
  const locale: Locale = useLocale();
  return (n) => formatCount(n, locale);
}

type AnyLoaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Loaded = Extract<AnyLoaded, { running: null }>;
type Running = Extract<AnyLoaded, { running: object }>;
type Draft = Loaded["draft"];
type Preview = NonNullable<Loaded["preview"]>;
type Answer = ReturnType<typeof useActionData<typeof action>>;

export default function CampaignDraftPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  if (data.running) return <BackgroundConfirm data={data} />;
  const { draft, preview } = data;
  return (
    <>
      <DraftHeader draft={draft} />
      {data.backgroundFailure ? <BackgroundFailure failure={data.backgroundFailure} /> : null}
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

/**
 * A confirm the worker is running: where it stands, as text and a progress bar. With JavaScript the
 * page asks again every second (and moves to the campaign when it is done); without, a reload does.
 */
function BackgroundConfirm({ data }: { data: Running }) {
  const msg = useMsg();
  const n = useCount();
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [revalidator]);
  const { stage, done, total } = data.running;
  // Three steps of `total` each: preparing (no count of its own), patients, then their sends.
  const value = stage === "queued" || stage === "preparing" ? 0 : stage === "patients" ? total + done : 2 * total + done;
  const text =
    stage === "queued"
      ? msg("draft.background.queued")
      : stage === "preparing"
        ? msg("draft.background.preparing")
        : stage === "patients"
          ? msg("draft.background.patients", { done: n(done), total: n(total) })
          : msg("draft.background.messages", { done: n(done), total: n(total) });
  return (
    <>
      <div className="page-title">
        <h1>{data.name}</h1>
        <Link to="/campaigns">{msg("draft.seeCampaigns")}</Link>
      </div>
      <section className="card" aria-labelledby="background-heading" data-testid="background-confirm">
        <h2 id="background-heading">{msg("draft.background.title")}</h2>
        <p>{msg("draft.background.intro", { count: n(total) })}</p>
        <progress id="import-progress" max={Math.max(1, 3 * total)} value={value} aria-label={msg("draft.background.progress")} />
        <p role="status" data-testid="background-stage" data-stage={stage}>
          {text}
        </p>
        <p className="hint">
          <span className="js-only">{msg("draft.background.live")}</span>
          <noscript>
            {msg("draft.background.reload")} <Link to={`/campaigns/drafts/${data.id}`}>{msg("draft.background.refresh")}</Link>
          </noscript>
        </p>
      </section>
    </>
  );
}

/** The last background confirm failed: why, in the page's language where it can be said. */
function BackgroundFailure({ failure }: { failure: NonNullable<Loaded["backgroundFailure"]> }) {
  const msg = useMsg();
  const locale = useLocale();
  const n = useCount();
  const credits = failure.credits;
  return (
    <div className="warning-box" role="alert" data-testid="background-failure">
      <p>
        <strong>{msg("draft.background.failed")}</strong>
      </p>
      <p>
        {credits
          ? msg("draft.background.failedCredits", { needed: n(credits.needed), available: n(credits.available), missing: n(Math.max(0, credits.needed - credits.available)) })
          : msg("draft.background.failedReason", { reason: failure.text ? textIn(failure.text, locale) : failure.message })}
      </p>
    </div>
  );
}

/** Dates and times of the upload, in the zone its appointments were read in. */
function useWhen(draft: Draft): (iso: string) => string {
  const locale = useLocale();
  return (iso) => formatDateTime(iso, locale, draft.timeZone);
}

function DraftHeader({ draft }: { draft: Draft }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <>
      <div className="page-title">
        <h1>{msg("draft.preview")}: {draft.name}</h1>
        <Link to="/campaigns">{msg("draft.seeCampaigns")}</Link>
      </div>
      <p className="muted">
        {draft.practiceName} · {msg("draft.doctor")}: {draft.doctorName ?? "—"} · {msg("draft.hAfterTheAppointment", { scheduledHoursAfter: String(draft.scheduledHoursAfter) })} ·{" "}
        {draft.channel === "SMS" ? "SMS" : "WhatsApp"} · {draft.fileName ?? ""}
        {/* A workbook has no text encoding or delimiter to show. */}
        {/\.xls[xm]$/i.test(draft.fileName ?? "") ? null : ` (${draft.encoding}, «${draft.delimiter === "\t" ? "tab" : draft.delimiter}»)`}
      </p>
      {draft.warnings.map((w) => (
        <p key={textIn(w, "es")} className="warning-box">
          {textIn(w, locale)}
        </p>
      ))}
    </>
  );
}

function DraftSummary({ draft, preview }: { draft: Draft; preview: Loaded["preview"] }) {
  const msg = useMsg();
  const when = useWhen(draft);
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{msg("draft.summary")}</h2>
      <dl className="stats" data-testid="counts">
        <Stat label={msg("draft.rowsRead")} testId="count-rows" value={draft.counts.rows} />
        <Stat label={msg("draft.accepted")} testId="count-accepted" value={draft.counts.accepted} />
        <Stat label={msg("draft.rejected")} testId="count-rejected" value={draft.counts.rejected} />
        <Stat label={msg("draft.noConsent")} testId="count-no-consent" value={draft.counts.consentMissing} />
        <Stat label={msg("draft.duplicatesMerged")} testId="count-duplicates" value={draft.counts.duplicates} />
        {preview ? (
          <>
            <Stat label={msg("draft.willBeSent")} testId="count-scheduled" value={preview.counts.scheduled} />
            <Stat label={msg("sending.preview.byWhatsapp")} testId="count-whatsapp" value={preview.channels.WHATSAPP} />
            <Stat label={msg("sending.preview.bySms")} testId="count-sms" value={preview.channels.SMS} />
            <Stat label={msg("draft.willNotBeSent")} testId="count-skipped" value={preview.counts.skipped} />
          </>
        ) : null}
      </dl>
      {preview && preview.firstSendAt ? (
        <p>
          {msg("draft.firstSend")}: {when(preview.firstSendAt)}
          {preview.lastSendAt && preview.lastSendAt !== preview.firstSendAt ? ` · ${msg("draft.last")}: ${when(preview.lastSendAt)}` : ""}
        </p>
      ) : null}
    </section>
  );
}

function Stat({ label, testId, value }: { label: string; testId: string; value: number }) {
  const n = useCount();
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{n(value)}</dd>
    </div>
  );
}

/** Credits needed against the balance, what stops the send, and the confirm and discard buttons. */
function DraftCredits({ draft, preview, answer, isOwner, ownWhatsAppBlocked }: { draft: Draft; preview: Loaded["preview"]; answer: Answer; isOwner: boolean; ownWhatsAppBlocked: string[] | null }) {
  const navigation = useNavigation();
  const msg = useMsg();
  const n = useCount();
  const shortfall = answer && "shortfall" in answer && answer.shortfall ? answer.shortfall.missing : preview && preview.credits.shortfall > 0 ? preview.credits.shortfall : 0;
  const busy = navigation.state === "submitting";
  // The confirm's answer is the fresher one; credits have their own box below.
  const blockers = (answer && "blockers" in answer && answer.blockers ? answer.blockers : (preview?.blockers ?? [])).filter((b) => b.code !== "INSUFFICIENT_CREDITS");
  return (
    <section className="card" aria-labelledby="credits-heading">
      <h2 id="credits-heading">{msg("draft.credits")}</h2>
      {draft.expired ? (
        <p className="error" role="alert">
          {msg("draft.thisDraftExpiredDiscard")}
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
              {msg("draft.confirmAndImportPatients", { patients: n(preview.counts.patients) })}
            </button>
          </Form>
        ) : null}
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="discard" className="secondary" disabled={busy}>
            {msg("draft.discardDraft")}
          </button>
        </Form>
      </div>
    </section>
  );
}

function CreditsNeeded({ credits }: { credits: Preview["credits"] }) {
  const msg = useMsg();
  const n = useCount();
  return (
    <p data-testid="credits">
      {credits.unlimited
        ? msg("draft.creditsNeededYourPlan", { needed: n(credits.needed) })
        : msg("draft.creditsNeededInitialMessage", { needed: n(credits.needed), available: n(credits.available) })}
    </p>
  );
}

function Shortfall({ missing, isOwner }: { missing: number; isOwner: boolean }) {
  const msg = useMsg();
  const n = useCount();
  return (
    <div className="warning-box" role="alert" data-testid="shortfall">
      <p>
        <strong>{msg("draft.creditsAreMissingTo", { missing: n(missing) })}</strong>{" "}
        {msg("draft.theDraftIsKept")}
      </p>
      <p>
        {isOwner ? (
          <Link to="/billing">{msg("draft.buyCreditsOrUpgrade")}</Link>
        ) : (
          msg("draft.askTheAccountOwner")
        )}
      </p>
    </div>
  );
}

/** A table of the upload's rows: column headers, then the body the caller gives. */
/** A list of rows; on a phone it scrolls sideways in its own box, which the keyboard can reach too. */
function RowsTable({ testId, caption, headers, children }: { testId: string; caption?: string; headers: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={caption ?? headers.join(", ")} tabIndex={0}>
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
    </div>
  );
}

function RejectedRows({ draft, rejected }: { draft: Draft; rejected: Loaded["rejected"] }) {
  const msg = useMsg();
  const locale = useLocale();
  const n = useCount();
  return (
    <section className="card" aria-labelledby="rejected-heading">
      <h2 id="rejected-heading">
        {msg("draft.rejectedRows")} ({n(draft.counts.rejected)})
      </h2>
      {draft.counts.rejected + draft.counts.duplicates > 0 ? (
        <p>
          <a href={`/campaigns/drafts/${draft.id}/rejected.csv`} download data-testid="download-rejected">
            {msg("draft.downloadTheRejectedRows")}
          </a>
        </p>
      ) : null}
      {rejected.length === 0 ? (
        <p className="muted">{msg("draft.noneEveryRowWas")}</p>
      ) : (
        <RowsTable
          testId="rejected-table"
          caption={msg("draft.rejectedRowsWithLine")}
          headers={[msg("draft.line"), msg("draft.column"), msg("draft.value"), msg("draft.reason")]}
        >
          {rejected.flatMap((r) =>
            r.problems.map((p, i) => (
              <tr key={`${r.line}-${i}`}>
                <td>{r.line}</td>
                <td>{p.column}</td>
                <td className="details">{p.value}</td>
                <td>{textIn(p.reason, locale)}</td>
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
  const msg = useMsg();
  const n = useCount();
  return (
    <section className="card" aria-labelledby="consent-heading">
      <h2 id="consent-heading">
        {msg("draft.withoutConsent")} ({n(draft.counts.consentMissing)})
      </h2>
      <p className="muted">{msg("draft.theyAreStoredWith")}</p>
      {rows.length > 0 ? (
        <RowsTable testId="consent-table" headers={[msg("draft.line"), msg("draft.name"), msg("draft.phone")]}>
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
  const msg = useMsg();
  const n = useCount();
  return (
    <section className="card" aria-labelledby="skipped-heading">
      <h2 id="skipped-heading">
        {msg("draft.willNotBeMessaged")} ({n(preview.skippedTotal)})
      </h2>
      <RowsTable testId="skipped-table" headers={[msg("draft.line"), msg("draft.name"), msg("draft.phone"), msg("draft.reason")]}>
        {preview.skipped.map((s) => (
          <tr key={`${s.line}-${s.phone}`}>
            <td>{s.line ?? "—"}</td>
            <td>{s.name}</td>
            <td>{s.phone}</td>
            <td>{skipLabel(s.reason, msg)}</td>
          </tr>
        ))}
      </RowsTable>
      <More shown={preview.skipped.length} total={preview.skippedTotal} />
    </section>
  );
}

function DuplicateRows({ draft, duplicates }: { draft: Draft; duplicates: Loaded["duplicates"] }) {
  const msg = useMsg();
  const n = useCount();
  return (
    <section className="card" aria-labelledby="duplicates-heading">
      <h2 id="duplicates-heading">
        {msg("draft.repeatedPhonesMerged")} ({n(draft.counts.duplicates)})
      </h2>
      <RowsTable testId="duplicates-table" headers={[msg("draft.line"), msg("draft.phone"), msg("draft.lineKept")]}>
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
  const msg = useMsg();
  const n = useCount();
  const when = useWhen(draft);
  return (
    <section className="card" aria-labelledby="accepted-heading">
      <h2 id="accepted-heading">
        {msg("draft.acceptedRows")} ({n(draft.counts.accepted)})
      </h2>
      {rows.length > 0 ? (
        <RowsTable
          testId="accepted-table"
          headers={[
            msg("draft.line"),
            msg("draft.name"),
            msg("draft.phone"),
            msg("draft.appointment"),
            msg("draft.channel"),
            msg("draft.consent"),
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
              <td>{r.consent ? msg("draft.yes") : msg("draft.no")}</td>
              {withDoctors ? <td>{r.doctorName ?? "—"}</td> : null}
            </tr>
          ))}
        </RowsTable>
      ) : (
        <p className="muted">{msg("draft.noRowCouldBe")}</p>
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
