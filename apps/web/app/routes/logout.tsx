// POST /logout ends the session on the server (a copy of the cookie is refused afterwards). A GET changes nothing (link previews and prefetches fetch GETs).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { getSession, logout } from "../.server/session.server.ts";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  return logout(request, context.em);
}
