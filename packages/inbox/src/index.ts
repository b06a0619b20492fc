// Public API of @rm/inbox: the inbox as a view of threads, the conversations, and an inbox item's page
// and workflow. See README.md.
export { INBOX_STATUSES, SOURCES, type InboxSource, type InboxStatus } from "./constants.ts";
export { InboxError, assertInboxRole, type InboxViewer } from "./viewer.ts";
export { listInboxThreads, parseInboxThreadFilters, type InboxThreadFilters, type InboxThreadItem, type InboxThreadList } from "./inbox-threads.ts";
export { loadInboxItem, type InboxItem, type InboxItemView, type TimelineEvent, type TimelineKind, type HistoryEntry } from "./load-inbox-item.ts";
export { updateInboxItem, NOTES_MAX_LENGTH, type InboxUpdateInput, type InboxUpdateResult, type UpdateContext } from "./update-inbox-item.ts";
export {
  listThreads,
  loadThread,
  countWaitingThreads,
  parseThreadFilters,
  markThreadRead,
  setThreadStatusAs,
  setThreadAssistantAs,
  assignThreadAs,
  addThreadNote,
  replyInThread,
  createCannedReply,
  inboundMediaUrl,
  THREAD_VIEWS,
  THREAD_STATUSES,
  REPLY_MAX_LENGTH,
  NOTE_MAX_LENGTH,
  type ThreadFilters,
  type ThreadList,
  type ThreadListItem,
  type ThreadView,
  type ThreadTab,
  type ThreadEntry,
  type ThreadStatus,
  type ReplyOutcome,
} from "./threads.ts";
