// Public API of @rm/importer: the CSV and .xlsx readers for patient lists and campaign creation (SPEC §5.1–5.3).
export {
  parsePatientCsv,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ROWS,
  type ParsePatientCsvOptions,
  type PatientCsvResult,
  type PatientRow,
  type RejectedRow,
  type RowProblem,
  type DuplicateRow,
  type CsvFatalError,
  type CsvFatalCode,
} from "./parse-patient-csv.ts";
export { parsePatientXlsx, MAX_XLSX_UNCOMPRESSED_BYTES, MAX_XLSX_ENTRIES, type ParsePatientXlsxOptions, type PatientXlsxResult } from "./parse-patient-xlsx.ts";
export { parsePatientFile, type ParsePatientFileOptions, type PatientFileResult } from "./parse-patient-file.ts";
export { samplePatientCsv, samplePatientXlsx } from "./sample-files.ts";
export { rejectedRowsToCsv } from "./rejected-csv.ts";
export { MAX_UPLOAD_BYTES } from "./upload-limit.ts";
export { type DetectedEncoding } from "./decode.ts";
export { type PatientField, PATIENT_FIELDS, fieldForHeader } from "./headers.ts";
export { type Channel } from "./fields.ts";
export {
  createCampaignFromRows,
  previewCampaignFromRows,
  MAX_CAMPAIGN_ROWS,
  type CampaignRowInput,
  type CreateCampaignInput,
  type CreateCampaignResult,
  type CampaignPatientResult,
  type CampaignPreview,
  type SkippedPreviewRow,
} from "./create-campaign.ts";
export {
  createCampaignDraft,
  getCampaignDraft,
  previewCampaignDraft,
  confirmCampaignDraft,
  discardCampaignDraft,
  listAssignableDoctors,
  listCampaignDrafts,
  type CampaignDraftSummary,
  DRAFT_TTL_HOURS,
  MAX_HOURS_AFTER,
  type AssignableDoctor,
  type DraftRow,
  type CreateCampaignDraftInput,
  type CampaignDraftView,
  type CampaignDraftPreview,
  type ConfirmCampaignDraftInput,
  type ConfirmCampaignDraftResult,
} from "./campaign-draft.ts";
export {
  requestDraftConfirm,
  createConfirmDraftHandler,
  DEFAULT_BACKGROUND_CONFIRM_ROWS,
  type BackgroundConfirmStage,
  type BackgroundConfirmFailure,
  type BackgroundConfirmState,
  type ConfirmHandlerOptions,
  type RequestDraftConfirmInput,
} from "./confirm-in-background.ts";
export { type ImportProgress } from "./create-campaign.ts";
export { sendToOnePatient, findOwnSingleSend, SINGLE_SEND_CONSENT_EVIDENCE, type SendToOnePatientInput, type SendToOnePatientResult, type SingleSendSummary } from "./send-to-one.ts";
export { InsufficientCreditsError, CampaignInputError, SendBlockedError, type CampaignInputErrorCode } from "./errors.ts";
export { sendBlockers, type SendBlocker, type SendBlockerCode } from "./send-blockers.ts";
