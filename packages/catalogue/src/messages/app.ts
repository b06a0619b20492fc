import { m } from "../define.ts";

/** The application shell: the one error page. */
export const app = {
  "app.error.title": m({ es: "Algo salió mal", en: "Something went wrong" }),
  "app.error.detail": m({ es: "Ocurrió un error inesperado. Inténtelo de nuevo en unos minutos.", en: "An unexpected error occurred. Please try again in a few minutes." }),
  "app.error.notFound.title": m({ es: "Página no encontrada", en: "Page not found" }),
  "app.error.notFound.detail": m({ es: "La página que busca no existe o ya no está disponible.", en: "The page you are looking for does not exist or is no longer available." }),
  "app.error.forbidden.title": m({ es: "Acceso denegado", en: "Access denied" }),
  "app.error.forbidden.detail": m({
    es: "No tiene permiso para ver esta página o el formulario expiró. Recargue la página o pida acceso al propietario.",
    en: "You do not have permission for this page, or the form expired. Reload the page or ask the owner for access.",
  }),
  "app.error.unauthorized.title": m({ es: "Sesión terminada", en: "Session ended" }),
  "app.error.unauthorized.detail": m({ es: "Inicie sesión de nuevo.", en: "Please sign in again." }),
  "app.error.status": m<{ status: number }>({ es: "Error {status, number, ::group-off}", en: "Error {status, number, ::group-off}" }),
  "app.error.back": m({ es: "Volver al inicio", en: "Back to the start page" }),
};
