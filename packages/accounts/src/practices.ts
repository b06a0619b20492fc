// Practices (SPEC §4): name, address, time zone, Google review link (Place ID or g.page link), staff alert phone.
import type { EntityManager } from "@mikro-orm/postgresql";
import { Practice, Workspace } from "@rm/db";
import { coded } from "@rm/catalogue";
import { normalizePhone, parseGoogleReviewInput } from "@rm/domain";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import { timeZoneField } from "./settings.ts";
import type { Actor } from "./users.ts";
import { code, nameField, parseOrThrow } from "./validation.ts";

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    z.string().trim().max(max, code("accounts.text.tooLong")).nullable().optional(),
  );

export const practiceSchema = z.object({
  name: nameField,
  address: optionalText(300),
  city: optionalText(120),
  country: z.preprocess((v) => (typeof v === "string" && v.trim() ? v.trim().toUpperCase() : "EC"), z.string().regex(/^[A-Z]{2}$/, code("accounts.country.invalid"))),
  timezone: timeZoneField,
  // What the owner pasted from Google: a Place ID, a writereview?placeid= link or a g.page/r/…/review link
  // (@rm/domain parseGoogleReviewInput); the form's single field, stored as one of two columns.
  googleReview: optionalText(500),
  staffAlertPhone: optionalText(40),
});

export type PracticeInput = z.input<typeof practiceSchema>;

function parsePractice(input: Record<string, unknown>) {
  const data = parseOrThrow(practiceSchema, input);
  let staffAlertPhone: string | null = null;
  if (data.staffAlertPhone) {
    const phone = normalizePhone(data.staffAlertPhone, (data.country as "EC") ?? "EC");
    if (!phone.ok) throw new AccountsError("invalid_phone", coded(`accounts.phone.${phone.reason}`), "staffAlertPhone");
    staffAlertPhone = phone.e164;
  }
  let googlePlaceId: string | null = null;
  let googleReviewUrl: string | null = null;
  if (data.googleReview) {
    const review = parseGoogleReviewInput(data.googleReview);
    if (!review.ok) throw new AccountsError("invalid_review_link", coded(`accounts.review.${review.reason}`), "googleReview");
    if (review.target.kind === "placeId") googlePlaceId = review.target.placeId;
    else googleReviewUrl = review.target.url;
  }
  const { googleReview: _pasted, ...rest } = data;
  return { ...rest, address: data.address ?? null, city: data.city ?? null, googlePlaceId, googleReviewUrl, staffAlertPhone };
}

function requireOwner(actor: Actor): void {
  if (actor.user.role !== "OWNER") throw new AccountsError("forbidden", "Solo el propietario puede editar consultorios.");
}

export async function createPractice(em: EntityManager, actor: Actor, input: Record<string, unknown>): Promise<Practice> {
  requireOwner(actor);
  const data = parsePractice(input);
  const workspaceId = actor.user.workspace.id;
  const practice = em.create(Practice, { workspace: em.getReference(Workspace, workspaceId), ...data });
  recordAudit(em, { workspaceId, actorId: actor.user.id, action: "practice.created", entityType: "practice", entityId: practice.id, ip: actor.ip ?? null, details: { name: data.name } });
  await em.flush();
  return practice;
}

/** `practice` must have been loaded through the workspace-scoped em (404 otherwise, by the caller). */
export async function updatePractice(em: EntityManager, actor: Actor, practice: Practice, input: Record<string, unknown>): Promise<Practice> {
  requireOwner(actor);
  const data = parsePractice(input);
  const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => (practice[k] ?? null) !== (data[k] ?? null));
  em.assign(practice, data);
  if (changed.length) {
    recordAudit(em, { workspaceId: actor.user.workspace.id, actorId: actor.user.id, action: "practice.updated", entityType: "practice", entityId: practice.id, ip: actor.ip ?? null, details: { fields: changed } });
  }
  await em.flush();
  return practice;
}
