import { m } from "../define.ts";

/** Signing in, accepting an invitation, setting a new password from a reset link. */
export const auth = {
  "auth.login.title": m({ es: "Iniciar sesión", en: "Sign in" }),
  "auth.login.invalid": m({ es: "Correo o contraseña incorrectos", en: "Wrong email or password" }),
  "auth.login.passwordReset": m({ es: "Contraseña actualizada. Inicie sesión con la nueva contraseña.", en: "Password updated. Sign in with your new password." }),
  "auth.email": m({ es: "Correo electrónico", en: "Email" }),
  "auth.password": m({ es: "Contraseña", en: "Password" }),
  "auth.login.submitting": m({ es: "Ingresando…", en: "Signing in…" }),
  "auth.login.submit": m({ es: "Ingresar", en: "Sign in" }),
  "auth.login.newHere": m({ es: "¿Primera vez aquí?", en: "New here?" }),
  "auth.login.signup": m({ es: "Cree una cuenta para su consultorio", en: "Create an account for your practice" }),
  "auth.invite.title": m<{ workspace: string }>({ es: "Únase a {workspace}", en: "Join {workspace}" }),
  "auth.invite.for": m({ es: "Invitación para", en: "Invitation for" }),
  "auth.invite.name": m({ es: "Su nombre", en: "Your name" }),
  "auth.passwordHint": m({ es: "Al menos 10 caracteres.", en: "At least 10 characters." }),
  "auth.invite.submit": m({ es: "Crear mi usuario", en: "Create my user" }),
  "auth.invite.haveUser": m({ es: "Ya tengo usuario", en: "I already have a user" }),
  "auth.reset.title": m({ es: "Nueva contraseña", en: "New password" }),
  "auth.reset.for": m({ es: "Para", en: "For" }),
  "auth.reset.repeat": m({ es: "Repita la contraseña", en: "Repeat the password" }),
  "auth.reset.submit": m({ es: "Guardar contraseña", en: "Save password" }),
};
