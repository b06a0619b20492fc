import type { LinksFunction, MetaFunction } from "@remix-run/node";
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
import stylesheet from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  // No favicon request (and no 404 in the console) until the product has one.
  { rel: "icon", href: "data:," },
];

export const meta: MetaFunction = () => [{ title: "Reputation Manager" }];

export function Layout({ children }: { children: ReactNode }) {
  // Marks the document once React has hydrated (browser tests wait for it).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang="es-EC">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Algo salió mal";
  let detail = "Ocurrió un error inesperado. Inténtelo de nuevo en unos minutos.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Página no encontrada";
      detail = "La página que busca no existe o ya no está disponible.";
    } else if (error.status === 403) {
      title = "Acceso denegado";
      detail = "No tiene permiso para ver esta página.";
    } else {
      title = `Error ${error.status}`;
    }
  }
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>
        <a href="/">Volver al inicio</a>
      </p>
    </main>
  );
}
