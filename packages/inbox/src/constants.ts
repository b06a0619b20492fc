// Values the pages need in the browser too: no imports, so the client bundle can take them
// (`@rm/inbox/constants`) without pulling in the database code.
export const STATUS_TABS = ["open", "NEW", "IN_PROGRESS", "RESOLVED", "all"] as const;
export type StatusTab = (typeof STATUS_TABS)[number];

export const SOURCES = ["FORM", "REPLY", "RATING"] as const;
export type InboxSource = (typeof SOURCES)[number];

export const INBOX_STATUSES = ["NEW", "IN_PROGRESS", "RESOLVED"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const NOTES_MAX_LENGTH = 5000;
