// The staff navigation: every section of the app and who may open it (SPEC §3 roles).
export type StaffRole = "OWNER" | "DOCTOR" | "RECEPTIONIST";

export interface NavItem {
  to: string;
  es: string;
  en: string;
  roles: readonly StaffRole[];
}

const ALL: readonly StaffRole[] = ["OWNER", "DOCTOR", "RECEPTIONIST"];
const STAFF: readonly StaffRole[] = ["OWNER", "DOCTOR"];
const OWNER: readonly StaffRole[] = ["OWNER"];
// AI drafts of broadcast texts: the owner and the front desk (doctors do not write broadcasts).
const DRAFTING: readonly StaffRole[] = ["OWNER", "RECEPTIONIST"];

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", es: "Inicio", en: "Home", roles: ALL },
  { to: "/campaigns", es: "Campañas", en: "Campaigns", roles: ALL },
  { to: "/conversations", es: "Conversaciones", en: "Conversations", roles: ALL },
  { to: "/inbox", es: "Bandeja", en: "Inbox", roles: STAFF },
  { to: "/contacts", es: "Contactos", en: "Contacts", roles: ALL },
  // Leads (SPEC §16): the front desk and the owner answer people who wrote first; a doctor has none.
  { to: "/leads", es: "Prospectos", en: "Leads", roles: DRAFTING },
  { to: "/analytics", es: "Analítica", en: "Analytics", roles: STAFF },
  { to: "/billing", es: "Facturación", en: "Billing", roles: OWNER },
  { to: "/templates", es: "Plantillas", en: "Templates", roles: STAFF },
  // The owner reaches it from Plantillas; the front desk has the library (and AI drafts from there).
  { to: "/templates/library", es: "Biblioteca", en: "Library", roles: ["RECEPTIONIST"] },
  { to: "/practices", es: "Consultorios", en: "Practices", roles: STAFF },
  { to: "/settings", es: "Ajustes", en: "Settings", roles: STAFF },
  { to: "/users", es: "Usuarios", en: "Users", roles: OWNER },
  { to: "/audit", es: "Auditoría", en: "Audit log", roles: OWNER },
];

/** Roles per section, for the routes' guards (one source with the navigation). */
export const ROLES = { ALL, STAFF, OWNER, DRAFTING } as const;

export const ROLE_LABELS: Record<StaffRole, { es: string; en: string }> = {
  OWNER: { es: "Propietario", en: "Owner" },
  DOCTOR: { es: "Doctor", en: "Doctor" },
  RECEPTIONIST: { es: "Recepción", en: "Reception" },
};
