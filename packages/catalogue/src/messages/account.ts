import { m } from "../define.ts";

/** My account: one's own password and sessions. */
export const account = {
  "account.title": m({ es: "Mi cuenta", en: "My account" }),
  "account.passwordChanged": m({ es: "Contraseña cambiada. Las demás sesiones se cerraron.", en: "Password changed. Your other sessions were signed out." }),
  "account.loggedOut": m({ es: "Se cerraron todas las demás sesiones.", en: "All your other sessions were signed out." }),
  "account.password.title": m({ es: "Cambiar contraseña", en: "Change password" }),
  "account.password.current": m({ es: "Contraseña actual", en: "Current password" }),
  "account.password.new": m({ es: "Nueva contraseña", en: "New password" }),
  "account.password.hint": m({ es: "Al menos 10 caracteres.", en: "At least 10 characters." }),
  "account.password.repeat": m({ es: "Repita la nueva contraseña", en: "Repeat the new password" }),
  "account.password.submit": m({ es: "Cambiar contraseña", en: "Change password" }),
  "account.sessions.title": m({ es: "Sesiones", en: "Sessions" }),
  "account.sessions.logoutEverywhere": m({ es: "Cerrar sesión en todos los demás dispositivos", en: "Sign out on every other device" }),
};
