// POST /lang switches the interface language (cookie) and returns to the page.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { localeCookie } from "../.server/locale.server.ts";
import { getSession, safeRedirect } from "../.server/session.server.ts";
import { DEFAULT_LOCALE, isLocale } from "../i18n.ts";

export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  const requested = form.get("locale");
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  throw redirect(safeRedirect(form.get("redirectTo")), { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}
