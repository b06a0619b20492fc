// Public API of @rm/contacts: labels, notes, the contacts list and export, the contact page and the
// patient's data download. See README.md.
export * from "./constants.ts";
export { ContactsError, canManageLabels, canActOnPatientData, decodeCursor, encodeCursor, type ContactsViewer, type ContactsRole, type Cursor } from "./viewer.ts";
export { requireVisibleContact, type VisibleContact } from "./access.ts";
export {
  listLabels,
  createLabel,
  deleteLabel,
  labelName,
  labelsOfContacts,
  contactLabels,
  setContactLabels,
  ensureLabels,
  labelContact,
  findContactsByLabels,
  type LabelRef,
  type LabelWithCount,
  type SetLabelsInput,
  type SetLabelsResult,
  type FindByLabelsOptions,
  type ActionContext,
} from "./labels.ts";
export { addContactNote, listContactNotes, eraseContactNotes, type ContactNoteView } from "./notes.ts";
export { parseContactFilters, listContacts, contactsCsv, csvCell, CSV_HEADER, type ContactFilters, type ContactListItem, type ContactListPage, type ListContactsOptions, type OptedOutFilter } from "./list-contacts.ts";
export { loadContact, contactHistory, recipientValues, type RecipientValues, type ContactView, type NameSeen, type ContactAppointment, type ContactFeedback, type HistoryEntry, type HistoryPage } from "./contact-page.ts";
export { exportContactData, CONTACT_DATA_FORMAT, type ContactData } from "./contact-data.ts";
export {
  parseLeadFilters,
  listLeads,
  leadBoard,
  countLeads,
  countLeadsOf,
  setLeadStatus,
  createLeadContact,
  type LeadFilters,
  type LeadItem,
  type LeadCounts,
  type CreateLeadInput,
  type CreateLeadResult,
} from "./leads.ts";
