// Public API of @rm/importer: the CSV reader for patient lists and campaign creation (SPEC §5.1–5.3).
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
export { rejectedRowsToCsv } from "./rejected-csv.ts";
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
} from "./create-campaign.ts";
export { sendToOnePatient, type SendToOnePatientInput, type SendToOnePatientResult } from "./send-to-one.ts";
export { InsufficientCreditsError, CampaignInputError, type CampaignInputErrorCode } from "./errors.ts";
