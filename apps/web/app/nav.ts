// The staff navigation: every section of the app and who may open it (SPEC §3 roles).
import type { MessageCode } from "@rm/catalogue";

export type StaffRole = "OWNER" | "DOCTOR" | "RECEPTIONIST";

export interface NavItem {
  to: string;
  /** Its name in the catalogue. */
  label: MessageCode;
  roles: readonly StaffRole[];
}

const ALL: readonly StaffRole[] = ["OWNER", "DOCTOR", "RECEPTIONIST"];
const STAFF: readonly StaffRole[] = ["OWNER", "DOCTOR"];
const OWNER: readonly StaffRole[] = ["OWNER"];
// AI drafts of broadcast texts: the owner and the front desk (doctors do not write broadcasts).
const DRAFTING: readonly StaffRole[] = ["OWNER", "RECEPTIONIST"];

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "app.nav.home", roles: ALL },
  { to: "/campaigns", label: "app.nav.campaigns", roles: ALL },
  { to: "/conversations", label: "app.nav.conversations", roles: ALL },
  { to: "/inbox", label: "app.nav.inbox", roles: STAFF },
  { to: "/contacts", label: "app.nav.contacts", roles: ALL },
  // Leads (SPEC §16): the front desk and the owner answer people who wrote first; a doctor has none.
  { to: "/leads", label: "app.nav.leads", roles: DRAFTING },
  { to: "/analytics", label: "app.nav.analytics", roles: STAFF },
  { to: "/billing", label: "app.nav.billing", roles: OWNER },
  { to: "/templates", label: "app.nav.templates", roles: STAFF },
  // The owner reaches it from Plantillas; the front desk has the library (and AI drafts from there).
  { to: "/templates/library", label: "app.nav.library", roles: ["RECEPTIONIST"] },
  { to: "/practices", label: "app.nav.practices", roles: STAFF },
  { to: "/settings", label: "app.nav.settings", roles: STAFF },
  { to: "/users", label: "app.nav.users", roles: OWNER },
  { to: "/audit", label: "app.nav.audit", roles: OWNER },
];

/** Roles per section, for the routes' guards (one source with the navigation). */
export const ROLES = { ALL, STAFF, OWNER, DRAFTING } as const;

/** Each role's name in the catalogue. */
export const ROLE_LABELS = {
  OWNER: "app.role.OWNER",
  DOCTOR: "app.role.DOCTOR",
  RECEPTIONIST: "app.role.RECEPTIONIST",
} as const satisfies Record<StaffRole, MessageCode>;
