// The sample patient list as a CSV the way Excel in Spanish saves one (`;`, UTF-8 with BOM), dated
// yesterday in the workspace's zone like the .xlsx sample beside it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { samplePatientCsv } from "@rm/importer";
import { requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  return new Response(samplePatientCsv(new Date(), staff.workspace.timezone), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="citas-ejemplo.csv"',
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
