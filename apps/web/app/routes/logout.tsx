// POST /logout ends the session. A GET changes nothing (link previews and prefetches fetch GETs).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { logout } from "../.server/session.server.ts";

export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return logout(request);
}
