import type { EntityManager } from "@mikro-orm/postgresql";
import { TemplateType } from "../common/enums.ts";
import type { Workspace } from "../workspace/workspace.entity.ts";
import { Template } from "./template.entity.ts";

/**
 * Default Spanish templates (with the SPEC §5.4 variables). Every rating request
 * carries the one-tap link; the unhappy follow-up also offers the public review (open policy).
 */
export const DEFAULT_TEMPLATES: ReadonlyArray<{ type: TemplateType; name: string; body: string }> = [
  {
    type: TemplateType.INITIAL,
    name: "Solicitud de calificación",
    body: "Hola {{name}}, ¿cómo calificarías tu visita con {{doctor}} en {{practice}}? Responde con un número del 1 al 5 o toca aquí: {{ratingLink}}",
  },
  {
    type: TemplateType.FOLLOWUP_HAPPY,
    name: "Invitación a reseña en Google",
    body: "¡Nos alegra mucho que hayas tenido una buena experiencia! ¿Te importaría compartir tu opinión en Google para ayudar a otros pacientes? {{reviewLink}}",
  },
  {
    type: TemplateType.FOLLOWUP_UNHAPPY,
    name: "Formulario privado de comentarios",
    body: "Lamentamos que tu experiencia no haya sido la esperada. Tu opinión es importante para nosotros; cuéntanos qué salió mal: {{feedbackLink}} Si lo prefieres, también puedes dejar una reseña pública: {{reviewLink}}",
  },
  {
    type: TemplateType.REMINDER,
    name: "Recordatorio",
    body: "Hola {{name}}, nos encantaría saber cómo fue tu visita a {{practice}}. Responde con un número del 1 al 5 o toca aquí: {{ratingLink}}",
  },
  {
    type: TemplateType.HELP,
    name: "Ayuda",
    body: "Gracias por tu mensaje. Para calificar tu visita a {{practice}} responde con un número del 1 al 5 o usa este enlace: {{ratingLink}}. Para no recibir más mensajes responde BAJA.",
  },
  {
    type: TemplateType.OPT_OUT_CONFIRMATION,
    name: "Confirmación de baja",
    body: "Listo, no te enviaremos más mensajes de {{practice}}. Si cambias de opinión responde ALTA.",
  },
];

/**
 * The same templates in English, for a patient whose language is English when the workspace has no
 * English template of that type: the patient gets English text rather than the workspace's Spanish.
 */
export const DEFAULT_TEMPLATES_EN: ReadonlyArray<{ type: TemplateType; body: string }> = [
  {
    type: TemplateType.INITIAL,
    body: "Hi {{name}}, how would you rate your visit with {{doctor}} at {{practice}}? Reply with a number from 1 to 5 or tap here: {{ratingLink}}",
  },
  {
    type: TemplateType.FOLLOWUP_HAPPY,
    body: "We are glad you had a good experience! Would you mind sharing it on Google to help other patients? {{reviewLink}}",
  },
  {
    type: TemplateType.FOLLOWUP_UNHAPPY,
    body: "We are sorry your visit was not what you expected. Your opinion matters to us; tell us what went wrong: {{feedbackLink}} If you prefer, you can also leave a public review: {{reviewLink}}",
  },
  {
    type: TemplateType.REMINDER,
    body: "Hi {{name}}, we would love to know how your visit to {{practice}} went. Reply with a number from 1 to 5 or tap here: {{ratingLink}}",
  },
  {
    type: TemplateType.HELP,
    body: "Thank you for your message. To rate your visit to {{practice}} reply with a number from 1 to 5 or use this link: {{ratingLink}}. To stop receiving messages reply STOP.",
  },
  {
    type: TemplateType.OPT_OUT_CONFIRMATION,
    body: "Done, you will not receive more messages from {{practice}}. If you change your mind reply START.",
  },
];

/**
 * The text a patient gets for `type` in `language`: the workspace's default template in that
 * language; for a patient not in Spanish without one, the built-in text in their language; else
 * the workspace's Spanish template, else the built-in Spanish one. `rows` are the workspace's
 * default templates (any languages). The SMS variant wins on SMS.
 */
export function defaultTemplateText(
  rows: readonly { type: string; language: string; body: string; smsBody?: string | null }[],
  type: string,
  language: string,
  channel: "SMS" | "WHATSAPP",
): string {
  const text = (row: { body: string; smsBody?: string | null }) => (channel === "SMS" && row.smsBody ? row.smsBody : row.body);
  const own = rows.find((r) => r.type === type && r.language === language);
  if (own) return text(own);
  if (language === "en") return DEFAULT_TEMPLATES_EN.find((t) => t.type === type)!.body;
  const spanish = rows.find((r) => r.type === type && r.language === "es");
  if (spanish) return text(spanish);
  return DEFAULT_TEMPLATES.find((t) => t.type === type)!.body;
}

/** Creates the default templates a workspace is missing (sign-up and the demo seeder); idempotent. */
export async function ensureDefaultTemplates(em: EntityManager, workspace: Workspace, language = "es"): Promise<Template[]> {
  const existing = await em.find(Template, { workspace, isDefault: true, language }, { filters: { workspace: { workspaceId: workspace.id } } });
  const have = new Set(existing.map((t) => t.type));
  const created: Template[] = [];
  for (const t of DEFAULT_TEMPLATES) {
    if (have.has(t.type)) continue;
    created.push(em.create(Template, { workspace, type: t.type, name: t.name, body: t.body, isDefault: true, language }));
  }
  return created;
}
