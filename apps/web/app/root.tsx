import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { ensureCsrfToken } from "./.server/csrf.server.ts";
import { getLocale } from "./.server/locale.server.ts";
import { getSession, sessionStorage } from "./.server/session.server.ts";
import { widgetLocale } from "./.server/widget.server.ts";
import { ErrorPage } from "./components/error-page.tsx";
import { LOCALE_TAGS, useMsg, useRootData } from "./i18n.ts";
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
  // The web chat speaks its visitor's language (SPEC §16), not the staff cookie's.
  const locale = new URL(request.url).pathname.startsWith("/widget/") ? widgetLocale(request) : await getLocale(request);
  // A first visit gets its CSRF token in the session cookie with the page that shows the forms.
  return data(
    { csrf: token, locale },
    created ? { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } } : undefined,
  );
}

/**
 * The web chat runs in a frame on other sites, where browsers may deny it storage (third-party storage
 * blocked): reading `sessionStorage` then throws, and Remix's scroll restoration and route discovery
 * read it. An in-memory stand-in keeps the chat working for as long as the frame lives.
 */
const STORAGE_GUARD = `(function () {
  ["sessionStorage", "localStorage"].forEach(function (name) {
    try { window[name].getItem("rm"); return; } catch (e) {}
    var items = {};
    var memory = {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null; },
      setItem: function (k, v) { items[k] = String(v); },
      removeItem: function (k) { delete items[k]; },
      clear: function () { items = {}; },
      key: function (i) { var keys = Object.keys(items); return i < keys.length ? keys[i] : null; },
      get length() { return Object.keys(items).length; }
    };
    try { Object.defineProperty(window, name, { value: memory, configurable: true }); } catch (e) {}
  });
})();`;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const { locale } = useRootData();
  const framed = useMatches().some((m) => m.id === "routes/widget.$key");
  // Marks the document once React has hydrated (browser tests wait for it).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={LOCALE_TAGS[locale]}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {framed ? <script nonce={nonce} dangerouslySetInnerHTML={{ __html: STORAGE_GUARD }} /> : null}
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
  const msg = useMsg();
  let title = msg("app.error.title");
  let detail = msg("app.error.detail");
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = msg("app.error.notFound.title");
      detail = msg("app.error.notFound.detail");
    } else if (error.status === 403) {
      title = msg("app.error.forbidden.title");
      detail = msg("app.error.forbidden.detail");
    } else if (error.status === 401) {
      title = msg("app.error.unauthorized.title");
      detail = msg("app.error.unauthorized.detail");
    } else {
      title = msg("app.error.status", { status: error.status });
    }
  }
  return <ErrorPage title={title} detail={detail} way={<a href="/">{msg("app.error.back")}</a>} />;
}
