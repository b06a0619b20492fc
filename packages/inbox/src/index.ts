// Public API of @rm/inbox: the staff inbox's list, item, workflow and navigation badge. See README.md.
export { INBOX_STATUSES } from "./constants.ts";
export { InboxError, assertInboxRole, type InboxViewer } from "./viewer.ts";
export { parseInboxFilters, encodeCursor, decodeCursor, statusesOf, STATUS_TABS, SOURCES, type InboxFilters, type InboxSource, type StatusTab, type Cursor } from "./filters.ts";
export { listInbox, type InboxList, type InboxListItem, type InboxStatus, type ListOptions } from "./list-inbox.ts";
export { listInboxThreads, parseInboxThreadFilters, type InboxThreadFilters, type InboxThreadItem, type InboxThreadList } from "./inbox-threads.ts";
export { countInboxBadge, type InboxBadge } from "./count-inbox-badge.ts";
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
