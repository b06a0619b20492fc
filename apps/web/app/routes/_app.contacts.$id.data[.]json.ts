// "Download this patient's data" (right of access): everything the workspace holds about the
// contact's phone as one JSON file. The owner's (the file covers every doctor's appointments); a
// doctor or reception gets 403, another workspace's contact 404. Audited with ids only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { insertAudit } from "@rm/accounts";
import { exportContactData } from "@rm/contacts";
import { contactsViewerOf, throwContactsAccessError } from "../.server/contacts.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const exported = await exportContactData(staff.em, contactsViewerOf(staff), params.id ?? "").catch(throwContactsAccessError);
  await insertAudit(staff.em, {
    workspaceId: staff.workspace.id,
    actorId: staff.user.id,
    action: "contact.data_downloaded",
    entityType: "contact",
    entityId: params.id ?? null,
    ip: staff.ip,
    details: {},
    now: new Date(),
  });
  return new Response(JSON.stringify(exported, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="datos-paciente-${params.id ?? "contacto"}.json"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
