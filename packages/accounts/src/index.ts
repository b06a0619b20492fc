// Public API of @rm/accounts: sign-up, users and invitations, password resets, settings, practices,
// templates, server-side staff sessions and the audit log. Routes stay thin; the rules live here. See README.md.
export { AccountsError, ValidationError, type FieldErrors } from "./errors.ts";
export { PASSWORD_MIN_LENGTH } from "./validation.ts";
export { hashToken, newToken, isTokenShape } from "./tokens.ts";
export { AUDIT_ACTIONS, recordAudit, listAudit, insertAudit, entityHistory, type AuditAction, type AuditInput, type AuditInsert, type AuditFilter, type AuditRow, type EntityHistoryRow } from "./audit.ts";
export { signUp, signUpSchema, EMAIL_TAKEN, type SignUpInput, type SignUpOptions, type SignUpResult } from "./signup.ts";
export {
  DEFAULT_SIGNUP_POLICY,
  SIGNUP_ERRORS,
  signUpRequestSchema,
  startSignUp,
  resendSignUpCode,
  confirmSignUp,
  pendingSignUp,
  maskPhone,
  type SignupVerificationPolicy,
  type SignUpErrorCode,
  type SendCode,
  type StartSignUpOptions,
  type ConfirmSignUpOptions,
  type ConfirmSignUpResult,
} from "./signup-verification.ts";
export {
  INVITATION_TTL_DAYS,
  RESET_TTL_HOURS,
  FREE_LIMIT_MESSAGE,
  LAST_OWNER_MESSAGE,
  INVALID_LINK,
  inviteUser,
  revokeInvitation,
  findInvitation,
  acceptInvitation,
  changeRole,
  removeUser,
  issuePasswordReset,
  findResetUser,
  resetPasswordWithToken,
  changePassword,
  logoutEverywhere,
  resetOwnerPasswordByEmail,
  type Actor,
  type CreatedInvitation,
} from "./users.ts";
export {
  DEFAULT_SESSION_POLICY,
  SESSION_TOUCH_INTERVAL_MS,
  startStaffSession,
  findStaffSession,
  staffSessionUserId,
  endStaffSession,
  endUserSessions,
  type SessionPolicy,
  type StartedSession,
} from "./sessions.ts";
export { GATED_WARNING, CONTENT_SID_TYPES, settingsSchema, updateSettings, isTimeZone, type SettingsResult } from "./settings.ts";
export { practiceSchema, createPractice, updatePractice, type PracticeInput } from "./practices.ts";
export { SAMPLE_VALUES, analyzeTemplate, templateSchema, updateTemplate, unknownMessage, validateTemplateBodies, type TemplateAnalysis, type TemplateInput } from "./templates.ts";
export {
  AI_DRAFT_AUDIT_ACTION,
  aiBriefSchema,
  aiDraftAllowance,
  canDraftTemplates,
  createBroadcastTemplate,
  requestAiDrafts,
  reserveAiDraft,
  type AiDraftAllowance,
  type AiDraftResult,
} from "./ai-drafts.ts";
export {
  LIBRARY_LIMITS,
  LIBRARY_SORTS,
  LIBRARY_VARIABLES,
  SEED_VARIABLES_WITHOUT_EQUIVALENT,
  canEditLibrary,
  checkLibraryEntry,
  convertSeedVariables,
  createLibraryEntry,
  duplicateLibraryEntry,
  findLibraryEntry,
  listLibrary,
  previewLibraryText,
  recordTemplateUse,
  seedVariableTable,
  setLibraryEntryArchived,
  unknownLibraryVariables,
  updateLibraryEntry,
  type CheckedLibraryEntry,
  type LibraryEntryInput,
  type LibraryFilters,
  type LibraryListItem,
  type LibraryPreview,
  type LibrarySort,
  type LibraryVariable,
} from "./library.ts";
export { setupChecklist, type SetupChecklist, type SetupItem, type SetupStep } from "./setup-checklist.ts";
export {
  workspaceSendingSettings,
  workspaceSenders,
  findWorkspacePractice,
  findWorkspaceUser,
  listAssignableDoctors,
  listDefaultTemplates,
  type WorkspaceSendingSettings,
  type AssignableDoctor,
  type DefaultTemplateRow,
} from "./campaign-lookups.ts";
export { reminderSettings, templateText, workspacesWithSender, type ReminderSettings } from "./sending-settings.ts";
export { listPractices, findPractice, listTemplates, findTemplate, listUsers, listDoctors, listOpenInvitations, findUser, findInvitationById, workspacePlan } from "./lookups.ts";
export {
  lockWorkspaceBilling,
  lockWorkspacePlan,
  workspaceBilling,
  otherWorkspaceOfStripeCustomer,
  setStripeCustomer,
  setStripeSubscription,
  setPaidPlan,
  markPastDue,
  endPaidPlan,
  type WorkspaceBillingRow,
} from "./billing-state.ts";
export { CredentialsCipher, credentialsCipherFromEnv, type Sealed } from "./credentials-cipher.ts";
export {
  connectOwnAccount,
  createOwnSubaccount,
  disconnectOwnAccount,
  ownSenderSummary,
  listAccountSenders,
  chooseOwnSender,
  ownAccountCredentials,
  ownAccountAuth,
  openAccountToken,
  rotateCredentials,
  ownAccountClients,
  ownAccountResolver,
  type OwnSenderDeps,
  type OwnSenderSummary,
  type AccountSenders,
  type OwnAccountCredentials,
} from "./own-sender.ts";
export {
  WHATSAPP_CATEGORIES,
  checkWhatsAppTemplate,
  defaultWhatsAppText,
  followWhatsAppApprovals,
  ownWhatsAppReadiness,
  saveWhatsAppTemplate,
  submitWhatsAppTemplate,
  switchOwnWhatsApp,
  toNumbered,
  skipsANumber,
  whatsappTemplateFor,
  whatsappTextProblems,
  type OwnWhatsAppReadiness,
  type WhatsAppCategory,
  type WhatsAppTemplateView,
} from "./whatsapp-templates.ts";
export { assistantSettings, saveAssistantSettings, type AssistantSettings, type AssistantSettingsInput } from "./assistant-settings.ts";
export {
  broadcastWhatsAppTemplate,
  checkLibraryWhatsApp,
  libraryContentVariables,
  libraryNumbering,
  libraryWhatsAppProblem,
  libraryWhatsAppState,
  submitLibraryToWhatsApp,
  type BroadcastWhatsAppTemplate,
  type LibraryWhatsAppState,
  type LibraryWhatsAppStatus,
} from "./library-whatsapp.ts";
