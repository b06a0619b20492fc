import { m } from "../define.ts";

/** Inicio: the workspace at a glance. */
export const home = {
  "home.hello": m<{ name: string }>({ es: "Hola, {name}", en: "Hello, {name}" }),
  "home.welcome": m<{ workspace: string }>({ es: "Bienvenido a {workspace}.", en: "Welcome to {workspace}." }),
  "home.credits": m({ es: "Créditos disponibles", en: "Available credits" }),
  "home.plan": m<{ plan: string }>({
    es: "Plan {plan}. Un crédito = un segmento SMS o un mensaje de WhatsApp.",
    en: "{plan} plan. One credit = one SMS segment or one WhatsApp message.",
  }),
  "home.next": m({ es: "Próximos pasos", en: "Next steps" }),
  "home.noPractices": m({ es: "Aún no tiene consultorios.", en: "You have no practices yet." }),
  "home.addFirst": m({ es: "Agregue el primero", en: "Add the first one" }),
  "home.campaigns": m({ es: "Ver campañas", en: "See campaigns" }),
  "home.templates": m({ es: "Revisar las plantillas de mensajes", en: "Review message templates" }),
};
