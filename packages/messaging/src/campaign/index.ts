// What campaign creation, cancellation and the campaign page's staff actions change of this package's
// rows (contacts, patients, messages and what hangs off them), as functions over arrays.
export {
  upsertAndLockContacts,
  readContactStates,
  lastKnownLanguages,
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
} from "./import-rows.ts";
export { pendingCampaignMessageIds, campaignRequestMessageIds, lockPendingCampaignSends, cancelMessages, campaignPatientIds, cancelWaitingPatients } from "./campaign-sends.ts";
export { pendingMessageIdsOfPatientContact, lockPatientContact, optOutContact, lockContactPatients, eraseContact, type PatientContact, type EraseContactInput } from "./contact-actions.ts";
