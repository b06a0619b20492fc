export { appointmentScope, canOpenCampaign, listLinksToDetail, type Viewer, type ViewerRole } from "./viewer.ts";
export {
  CAMPAIGN_STATUSES,
  PATIENT_FILTERS,
  SEARCH_MAX_LENGTH,
  parseCampaignListFilters,
  parsePatientListFilters,
  type CampaignStatusFilter,
  type PatientFilter,
  type CampaignListFilters,
  type PatientListFilters,
} from "./filters.ts";
export { encodeCursor, decodeCursor, type Cursor } from "./cursor.ts";
export type { CampaignCounts, CampaignDetailCounts } from "./counts.ts";
export { listCampaigns, listPracticeOptions, CAMPAIGN_PAGE_SIZE, type CampaignListItem, type CampaignListPage } from "./list-campaigns.ts";
export { loadCampaign, type CampaignDetail } from "./campaign-detail.ts";
export { listCampaignPatients, findCampaignPatient, PATIENT_PAGE_SIZE, type PatientRow, type PatientPage } from "./list-patients.ts";
export { buildTimeline, type TimelineStep, type TimelineStepKey, type PatientFacts } from "./timeline.ts";
export { cancelCampaign, CAMPAIGN_CANCELLED_TEXT, type CancelCampaignInput, type CancelCampaignResult } from "./cancel-campaign.ts";
export {
  optOutPatient,
  optInPatient,
  erasePatient,
  patientConsentHistory,
  optOutContactByStaff,
  optInContactByStaff,
  setMarketingConsentByStaff,
  eraseContactByStaff,
  ERASED_NAME,
  type ContactActionInput,
  type PatientActionInput,
  type OptOutResult,
  type OptInResult,
  type EraseResult,
} from "./patient-actions.ts";
export { insertDraftCampaign, insertActiveCampaign, joinRollingCampaign, countIntoRollingCampaign, activateDraftCampaign, lockCampaign, deleteDraftCampaigns, type NewCampaign, type ActivatedCampaign, type LockedCampaign } from "./campaign-rows.ts";
export { findActionTarget, isCampaignAction, CAMPAIGN_ACTIONS, type CampaignAction, type CampaignActionTarget } from "./action-target.ts";
export { completeCampaigns, campaignPeriodicHandlers } from "./complete-campaigns.ts";
export { cancelPatientRequest, type CancelPatientRequestResult } from "./cancel-patient-request.ts";
export {
  BROADCAST_EXCLUSIONS,
  audienceSchema,
  parseAudience,
  audienceToParams,
  parsePhoneList,
  exclusionOf,
  broadcastBody,
  creditsPerMessage,
  previewBroadcast,
  createBroadcast,
  setBroadcastPaused,
  broadcastResults,
  type Audience,
  type AudienceErrors,
  type AudiencePreview,
  type BroadcastPricing,
  type BroadcastText,
  type CreateBroadcastInput,
  type CreateBroadcastResult,
  type BroadcastResults,
} from "./broadcast.ts";
