// GET /api/template-analysis?body=… — the template editor's live preview (staff only, read-only).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { analyzeTemplate } from "@rm/accounts";
import { requireUser } from "../.server/auth.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.STAFF });
  const body = (new URL(request.url).searchParams.get("body") ?? "").slice(0, 2000);
  return Response.json(analyzeTemplate(body), { headers: { "Cache-Control": "no-store" } });
}
