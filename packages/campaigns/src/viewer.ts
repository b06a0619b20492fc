// Who is looking (SPEC §3): owners see every campaign, a doctor the campaigns assigned to them and
// those holding appointments of theirs (an import's doctor column gives each appointment its doctor),
// and within them only their own appointments; a receptionist the list only (no detail, no staff actions).
export type ViewerRole = "OWNER" | "DOCTOR" | "RECEPTIONIST";

export interface Viewer {
  userId: string;
  role: ViewerRole;
}

/** Whether the viewer may open a campaign's page and act on it (cancel, opt-out, erase). */
export function canOpenCampaign(viewer: Viewer, assignedDoctorId: string | null, hasOwnAppointments = false): boolean {
  if (viewer.role === "OWNER") return true;
  if (viewer.role === "DOCTOR") return assignedDoctorId === viewer.userId || hasOwnAppointments;
  return false;
}

/** Whose appointments the viewer sees in a campaign: a doctor only theirs (null: all of them). */
export function appointmentScope(viewer: Viewer): string | null {
  return viewer.role === "DOCTOR" ? viewer.userId : null;
}

/** Whether the viewer's list links each campaign to its page. */
export function listLinksToDetail(viewer: Viewer): boolean {
  return viewer.role !== "RECEPTIONIST";
}
