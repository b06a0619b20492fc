// Shared by the campaign creation pages: the form's choices (practices, doctors, defaults), who may
// act on a draft, and importer errors turned into form answers.
import { data } from "@remix-run/node";
import { listPractices } from "@rm/accounts";
import { CampaignInputError, InsufficientCreditsError, listAssignableDoctors, SendBlockedError, type CampaignDraftView, type SendBlocker } from "@rm/importer";
import type { Text } from "../i18n.ts";
import type { StaffContext } from "./auth.server.ts";

export interface CampaignFormChoices {
  practices: { id: string; name: string }[];
  doctors: { id: string; name: string; role: "DOCTOR" | "OWNER" }[];
  defaults: { practiceId: string; assignedDoctorId: string; channel: "SMS" | "WHATSAPP"; scheduledHoursAfter: string };
}

export async function campaignFormChoices(staff: StaffContext): Promise<CampaignFormChoices> {
  const practices = await listPractices(staff.em);
  const doctors = await listAssignableDoctors(staff.em, staff.workspace.id);
  // A doctor uploads their own appointments; with a single doctor, that one.
  const doctorOnly = doctors.filter((d) => d.role === "DOCTOR");
  const assignedDoctorId = staff.user.role === "DOCTOR" ? staff.user.id : doctorOnly.length === 1 ? doctorOnly[0]!.id : "";
  return {
    practices: practices.map((p) => ({ id: p.id, name: p.name })),
    doctors,
    defaults: {
      practiceId: practices.length === 1 ? practices[0]!.id : "",
      assignedDoctorId,
      channel: staff.workspace.defaultChannel,
      scheduledHoursAfter: "2",
    },
  };
}

/** Owners, whoever uploaded the file and the doctor it is for may see, confirm or discard a draft. */
export function requireDraftAccess(staff: StaffContext, draft: Pick<CampaignDraftView, "createdById" | "assignedDoctorId">): void {
  const { user } = staff;
  if (user.role === "OWNER" || user.id === draft.createdById || user.id === draft.assignedDoctorId) return;
  throw data({ error: "No tiene permiso para esta acción." }, { status: 403, statusText: "Forbidden" });
}

export interface CampaignFailure {
  ok: false;
  /** Catalogue texts from the importer (shown in the page's language), or text already in it. */
  fieldErrors: Record<string, Text>;
  formError?: Text;
  /** Credits missing, when that is the problem (the page links billing or says to ask the owner). */
  shortfall?: { needed: number; available: number; missing: number };
  /** What stops the send (no sender, no approved WhatsApp template), named as the preview names it. */
  blockers?: SendBlocker[];
  /** An uploaded workbook's sheets, when it has several: the upload form offers them. */
  sheets?: string[];
  values: Record<string, string>;
}

export function failure(status: number, f: Omit<CampaignFailure, "ok">) {
  return data<CampaignFailure>({ ok: false, ...f }, { status });
}

/** Importer rule violations as form answers (400, 409 for credits); anything else is rethrown. */
export function importerFailure(error: unknown, values: Record<string, string>) {
  if (error instanceof InsufficientCreditsError) {
    return failure(409, {
      fieldErrors: {},
      formError: error.text,
      shortfall: { needed: error.needed, available: error.available, missing: error.shortfall },
      values,
    });
  }
  if (error instanceof SendBlockedError) {
    return failure(409, { fieldErrors: {}, formError: error.text, blockers: error.blockers, values });
  }
  if (error instanceof CampaignInputError) {
    if (error.code === "DRAFT_NOT_FOUND") throw data({ error: error.message }, { status: 404, statusText: "Not Found" });
    return error.field
      ? failure(400, { fieldErrors: { [error.field]: error.text }, values })
      : failure(error.code === "DRAFT_EXPIRED" ? 409 : 400, { fieldErrors: {}, formError: error.text, values });
  }
  throw error;
}
