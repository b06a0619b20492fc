// Template editing (SPEC §5.4): unknown variables are rejected before save; the editor shows the
// rendered preview on sample data, SMS characters / segments / encoding (and which characters force
// UCS-2, with an unaccented variant on offer), credits per message, and a privacy warning when the
// text names a procedure.
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Template } from "@rm/db";
import { countSegments, creditsFor, findUnknownVariables, renderTemplate, toGsmVariant, type SmsEncoding, type TemplateValues } from "@rm/domain";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError, ValidationError } from "./errors.ts";
import type { Actor } from "./users.ts";
import { parseOrThrow } from "./validation.ts";

/** Sample data for previews (no real patient). */
export const SAMPLE_VALUES: TemplateValues = {
  name: "Carmen",
  practice: "Consultorio Los Andes",
  doctor: "Dra. Vélez",
  appointmentType: "Control",
  date: "lunes 23 de noviembre, 10:30",
  ratingLink: "https://rm.example/q/AbCdEf123456",
  reviewLink: "https://g.page/r/AbCdEf123456/review",
  feedbackLink: "https://rm.example/f/AbCdEf123456",
};

// Naming a procedure in a text message can disclose health information to whoever sees the phone.
const PROCEDURE_WORDS = [
  "cirugía", "cirugia", "operación", "operacion", "biopsia", "endodoncia", "extracción", "extraccion", "implante",
  "ortodoncia", "colonoscopía", "colonoscopia", "endoscopía", "endoscopia", "mamografía", "mamografia", "ecografía",
  "ecografia", "vasectomía", "vasectomia", "quimioterapia", "diálisis", "dialisis", "cesárea", "cesarea", "aborto",
  "vih", "papanicolaou", "resonancia", "tomografía", "tomografia", "liposucción", "liposuccion", "botox",
];

export interface TemplateAnalysis {
  unknownVariables: string[];
  preview: string;
  encoding: SmsEncoding;
  characters: number;
  segments: number;
  unitsPerSegment: number;
  nonGsmCharacters: string[];
  /** Credits one message costs per channel (WhatsApp template = 1). */
  credits: { SMS: number; WHATSAPP: number };
  /** Unaccented GSM-7 text (null when the text is already GSM-7) and its segment count. */
  gsmVariant: { text: string; segments: number } | null;
  /** Procedure names / the appointment type variable found in the text. */
  procedureMentions: string[];
}

export function analyzeTemplate(body: string, values: TemplateValues = SAMPLE_VALUES): TemplateAnalysis {
  const unknownVariables = findUnknownVariables(body);
  const preview = renderTemplate(body, values);
  const count = countSegments(preview);
  let gsmVariant: TemplateAnalysis["gsmVariant"] = null;
  if (count.encoding === "UCS2") {
    const variantBody = toGsmVariant(body);
    gsmVariant = { text: variantBody, segments: countSegments(renderTemplate(variantBody, values)).segments };
  }
  const lower = body.toLocaleLowerCase("es");
  const procedureMentions = PROCEDURE_WORDS.filter((w) => new RegExp(`(^|[^\\p{L}])${w}([^\\p{L}]|$)`, "u").test(lower));
  if (/\{\{\s*appointmentType\s*\}\}/.test(body)) procedureMentions.unshift("{{appointmentType}}");
  return {
    unknownVariables,
    preview,
    encoding: count.encoding,
    characters: count.characters,
    segments: count.segments,
    unitsPerSegment: count.unitsPerSegment,
    nonGsmCharacters: count.nonGsmCharacters,
    credits: { SMS: creditsFor("SMS", preview), WHATSAPP: creditsFor("WHATSAPP", preview) },
    gsmVariant,
    procedureMentions,
  };
}

const optionalText = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), z.string().nullable().optional());

export const templateSchema = z.object({
  name: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), z.string().trim().max(120, "Máximo 120 caracteres.").nullable().optional()),
  body: z.string({ error: "Escriba el texto." }).trim().min(1, "Escriba el texto.").max(1600, "Máximo 1600 caracteres."),
  smsBody: optionalText.refine((v) => v == null || v.length <= 1600, "Máximo 1600 caracteres."),
  whatsappContentSid: optionalText.refine((v) => v == null || /^HX[0-9a-fA-F]{32}$/.test(v), "Un Content SID empieza con HX y tiene 34 caracteres."),
});

export type TemplateInput = z.input<typeof templateSchema>;

/** Saves a template's text; unknown `{{variables}}` are a field error and nothing is saved. */
export async function updateTemplate(em: EntityManager, actor: Actor, template: Template, input: Record<string, unknown>): Promise<Template> {
  if (actor.user.role !== "OWNER") throw new AccountsError("forbidden", "Solo el propietario puede editar plantillas.");
  const data = parseOrThrow(templateSchema, input);
  validateTemplateBodies(data.body, data.smsBody ?? null);
  const before = { body: template.body, smsBody: template.smsBody ?? null };
  template.name = data.name ?? null;
  template.body = data.body;
  template.smsBody = data.smsBody?.trim() ? data.smsBody.trim() : null;
  template.whatsappContentSid = data.whatsappContentSid ?? null;
  recordAudit(em, {
    workspaceId: actor.user.workspace.id,
    actorId: actor.user.id,
    action: "template.edited",
    entityType: "template",
    entityId: template.id,
    ip: actor.ip ?? null,
    details: { type: template.type, bodyChanged: before.body !== template.body, smsBodyChanged: before.smsBody !== template.smsBody },
  });
  await em.flush();
  return template;
}

/** Unknown `{{variables}}` in a body or its SMS variant: a `ValidationError` per field, nothing saved. */
export function validateTemplateBodies(body: string, smsBody: string | null): void {
  const errors: Record<string, string> = {};
  const unknown = findUnknownVariables(body);
  if (unknown.length) errors.body = unknownMessage(unknown);
  const unknownSms = smsBody ? findUnknownVariables(smsBody) : [];
  if (unknownSms.length) errors.smsBody = unknownMessage(unknownSms);
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export function unknownMessage(names: string[]): string {
  return `Variables desconocidas: ${names.map((n) => `{{${n}}}`).join(", ")}. Use solo: {{name}}, {{practice}}, {{doctor}}, {{appointmentType}}, {{date}}, {{ratingLink}}, {{reviewLink}}, {{feedbackLink}}.`;
}
