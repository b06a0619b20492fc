import { m } from "../define.ts";

/** One-time links: invitations and password resets. */
export const links = {
  "links.invalid.title": m({ es: "Enlace no válido", en: "Invalid link" }),
  "links.invalid.body": m({
    es: "El enlace no es válido, ya se usó o venció. Pida uno nuevo al propietario.",
    en: "The link is invalid, already used or expired. Ask the owner for a new one.",
  }),
  "links.invalid.signIn": m({ es: "Iniciar sesión", en: "Sign in" }),
};
