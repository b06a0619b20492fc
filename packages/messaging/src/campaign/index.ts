// What campaign creation, cancellation and the campaign page's staff actions change of this package's
// rows (contacts, patients, messages and what hangs off them), as functions over arrays.
export {
  upsertAndLockContacts,
  readContactStates,
  lastKnownLanguages,
  LAST_KNOWN_LANGUAGES_SQL,
  encodePatients,
  insertPatients,
  encodeInitialMessages,
  insertInitialMessages,
  type ContactState,
  type PatientColumns,
  type EncodedPatients,
  type InitialMessageColumns,
  type EncodedInitialMessages,
  type InitialMessagesHead,
  type ImportGrant,
} from "./import-rows.ts";
export { pendingCampaignMessageIds, campaignRequestMessageIds, lockPendingCampaignSends, cancelMessages, campaignPatientIds, cancelWaitingPatients } from "./campaign-sends.ts";
export {
  pendingMessageIdsOfPatientContact,
  lockPatientContact,
  optOutContact,
  optInContact,
  lockContactPatients,
  eraseContact,
  pendingMessageIdsOfContact,
  lockContactById,
  type LockedContact,
  type PatientContact,
  type EraseContactInput,
  type OptInContactInput,
} from "./contact-actions.ts";
export { pendingPatientMessageIds, lockPendingPatientSends, patientRequestStatus, cancelWaitingPatient } from "./patient-sends.ts";
export { saveApiContact, type ApiContact, type ApiContactInput } from "./api-contact.ts";
export {
  setMarketingConsent,
  insertBroadcastRecipients,
  broadcastsSentToContact,
  BROADCAST_CAP_WINDOW_DAYS,
  type MarketingConsentInput,
  type BroadcastExclusion,
  type BroadcastRecipient,
  type BroadcastHead,
} from "./broadcast.ts";
