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
