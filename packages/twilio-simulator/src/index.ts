export { SimAccounts, type SimAccount, type SimNumber, type SimService, type AddAccountInput } from "./accounts.ts";
export { AiFake, type AiFakeConfig, type AiRequestRecord, type AiScriptStep } from "./ai-fake.ts";
export { contentBody, type SimContent, type ContentApprovalConfig, type ApprovalStatus } from "./content.ts";
export { createSimulator, type Simulator, type SimulatorOptions } from "./server.ts";
export {
  approvedContentFor,
  defaultConfig,
  parseFailRules,
  DEFAULT_AUTO_REPLIES,
  PLACEHOLDER_CONTENT_SIDS,
  type ApprovedContent,
  type SimulatorConfig,
  type FailRule,
  type AutoReply,
} from "./sim-config.ts";
export type { SimStore, SimStats, MessageRecord, InboundRecord, MessageStatus, Channel } from "./store.ts";
export type { InboundRequest, InboundResult } from "./inbound.ts";
export { smsSegments } from "./segments.ts";
export { billedSegments } from "./billing.ts";
