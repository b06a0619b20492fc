// The contacts list as a CSV for Excel (`;`, UTF-8 with BOM, formula cells made inert, E.164 phones),
// with the list page's filters, streamed page by page so a workspace of 100,000 contacts never sits in memory.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { ContactsError, contactsCsv, listLabels, parseContactFilters } from "@rm/contacts";
import { contactsViewerOf } from "../.server/contacts.server.ts";
import { forkReadEm } from "../.server/db.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  let filters;
  try {
    filters = parseContactFilters(new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof ContactsError) throw data({ error: error.text }, { status: 400 });
    throw error;
  }
  const labels = await listLabels(staff.em, staff.workspace.id);
  if (!filters.labelIds.every((id) => labels.some((l) => l.id === id))) notFound();
  // An export tolerates replication lag: the read replica when one is configured (the labels checked
  // above come from the primary, like the page the link is on).
  const lines = contactsCsv(await forkReadEm(staff.workspace.id), contactsViewerOf(staff), { ...filters, after: null }, { timezone: staff.workspace.timezone, country: staff.workspace.defaultCountry });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="contactos-${day}.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
