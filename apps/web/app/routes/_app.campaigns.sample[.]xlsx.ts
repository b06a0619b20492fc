// The sample patient list as an Excel workbook, made on request so its appointments are yesterday's
// in the workspace's zone (an upload of it is not skipped as too old). @rm/importer writes it with the
// library that reads uploads.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { samplePatientXlsx } from "@rm/importer";
import { requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const body = await samplePatientXlsx(new Date(), staff.workspace.timezone);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": 'attachment; filename="citas-ejemplo.xlsx"',
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
