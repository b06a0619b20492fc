import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { ensureCsrfToken } from "./.server/csrf.server.ts";
import { getLocale } from "./.server/locale.server.ts";
import { getSession, sessionStorage } from "./.server/session.server.ts";
import { ErrorPage } from "./components/error-page.tsx";
import { LOCALE_TAGS, useRootData, useT } from "./i18n.ts";
import { useNonce } from "./nonce.ts";
import stylesheet from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  // No favicon request (and no 404 in the console) until the product has one.
  { rel: "icon", href: "data:," },
];

export const meta: MetaFunction = () => [{ title: "Reputation Manager" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request);
  const { token, created } = ensureCsrfToken(session);
  const locale = await getLocale(request);
  // A first visit gets its CSRF token in the session cookie with the page that shows the forms.
  return data(
    { csrf: token, locale },
    created ? { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } } : undefined,
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const { locale } = useRootData();
  // Marks the document once React has hydrated (browser tests wait for it).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={LOCALE_TAGS[locale]}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** The one error page: a helpful message and a way back, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  let title = t("Algo salió mal", "Something went wrong");
  let detail = t(
    "Ocurrió un error inesperado. Inténtelo de nuevo en unos minutos.",
    "An unexpected error occurred. Please try again in a few minutes.",
  );
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = t("Página no encontrada", "Page not found");
      detail = t("La página que busca no existe o ya no está disponible.", "The page you are looking for does not exist or is no longer available.");
    } else if (error.status === 403) {
      title = t("Acceso denegado", "Access denied");
      detail = t(
        "No tiene permiso para ver esta página o el formulario expiró. Recargue la página o pida acceso al propietario.",
        "You do not have permission for this page, or the form expired. Reload the page or ask the owner for access.",
      );
    } else if (error.status === 401) {
      title = t("Sesión terminada", "Session ended");
      detail = t("Inicie sesión de nuevo.", "Please sign in again.");
    } else {
      title = `Error ${error.status}`;
    }
  }
  return <ErrorPage title={title} detail={detail} way={<a href="/">{t("Volver al inicio", "Back to the start page")}</a>} />;
}
