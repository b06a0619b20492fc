// Practices (SPEC §4): name, address, time zone, Google place id (→ review link), staff alert phone.
import type { EntityManager } from "@mikro-orm/postgresql";
import { googleReviewUrl, Practice, Workspace } from "@rm/db";
import { normalizePhone, PHONE_REJECTION_ES } from "@rm/domain";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import { timeZoneField } from "./settings.ts";
import type { Actor } from "./users.ts";
import { nameField, parseOrThrow } from "./validation.ts";

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    z.string().trim().max(max, `Máximo ${max} caracteres.`).nullable().optional(),
  );

export const practiceSchema = z.object({
  name: nameField,
  address: optionalText(300),
  city: optionalText(120),
  country: z.preprocess((v) => (typeof v === "string" && v.trim() ? v.trim().toUpperCase() : "EC"), z.string().regex(/^[A-Z]{2}$/, "Código de país de 2 letras (EC).")),
  timezone: timeZoneField,
  // Google place ids are URL-safe tokens ("ChIJ…"); anything else would produce a broken link.
  googlePlaceId: optionalText(300).refine((v) => v == null || /^[A-Za-z0-9_-]{10,300}$/.test(v), "Un Place ID de Google tiene letras, números, - y _ (p. ej. ChIJ…)."),
  staffAlertPhone: optionalText(40),
});

export type PracticeInput = z.input<typeof practiceSchema>;

function parsePractice(input: Record<string, unknown>) {
  const data = parseOrThrow(practiceSchema, input);
  let staffAlertPhone: string | null = null;
  if (data.staffAlertPhone) {
    const phone = normalizePhone(data.staffAlertPhone, (data.country as "EC") ?? "EC");
    if (!phone.ok) throw new AccountsError("invalid_phone", PHONE_REJECTION_ES[phone.reason], "staffAlertPhone");
    staffAlertPhone = phone.e164;
  }
  return { ...data, address: data.address ?? null, city: data.city ?? null, googlePlaceId: data.googlePlaceId ?? null, staffAlertPhone };
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

export function reviewLinkFor(placeId: string | null | undefined): string | null {
  return placeId ? googleReviewUrl(placeId) : null;
}
