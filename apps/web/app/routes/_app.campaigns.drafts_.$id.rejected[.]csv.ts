// The rejected rows of an upload as a CSV for Excel (`;`, UTF-8 with BOM, formula cells made inert):
// one line per problem with the file's line, column, value and reason, then the merged duplicates.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCampaignDraft, rejectedRowsToCsv } from "@rm/importer";
import { requireDraftAccess } from "../.server/campaigns.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const draft = await getCampaignDraft(staff.em, staff.workspace.id, params.id ?? "", { withRows: false });
  if (!draft) notFound();
  requireDraftAccess(staff, draft);
  const base = (draft.fileName ?? "archivo").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60) || "archivo";
  return new Response(rejectedRowsToCsv(draft.rejected, draft.duplicates, await getLocale(request)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="rechazadas-${base}.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
