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
