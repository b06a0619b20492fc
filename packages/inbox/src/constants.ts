// Values the pages need in the browser too: no imports, so the client bundle can take them
// (`@rm/inbox/constants`) without pulling in the database code.
export const SOURCES = ["FORM", "REPLY", "RATING"] as const;
export type InboxSource = (typeof SOURCES)[number];

export const INBOX_STATUSES = ["NEW", "IN_PROGRESS", "RESOLVED"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const NOTES_MAX_LENGTH = 5000;

/** Conversations (SPEC §13): the list's status tabs, a thread's statuses, and the composer's limits. */
export const THREAD_VIEWS = ["open", "SNOOZED", "CLOSED", "all"] as const;
export type ThreadTab = (typeof THREAD_VIEWS)[number];
export const THREAD_STATUSES = ["OPEN", "SNOOZED", "CLOSED"] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];
export const REPLY_MAX_LENGTH = 1600;
export const NOTE_MAX_LENGTH = 5000;
