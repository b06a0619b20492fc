// Limits shared with the web forms (no server code here: route modules import it for maxLength).
/** Longest label name. */
export const LABEL_NAME_MAX_LENGTH = 40;
/** Longest staff note. */
export const NOTE_MAX_LENGTH = 2000;
/** Longest search text. */
export const SEARCH_MAX_LENGTH = 100;
/** Contacts per list page. */
export const CONTACTS_PAGE_SIZE = 50;
/** Entries per page of a contact's message history. */
export const HISTORY_PAGE_SIZE = 50;
/** A lead's stages, in the board's order (SPEC §16). */
export const LEAD_STATUSES = ["NEW", "CONTACTED", "BOOKED", "LOST"] as const;
export type LeadStatusName = (typeof LEAD_STATUSES)[number];
/** How a contact came: a file, practice software, staff by hand, a first message to the own sender, the web widget. */
export const CONTACT_SOURCES = ["IMPORT", "API", "STAFF", "INBOUND", "WIDGET"] as const;
export type ContactSourceName = (typeof CONTACT_SOURCES)[number];
/** Leads per page of the list, and per column of the board. */
export const LEADS_PAGE_SIZE = 50;
