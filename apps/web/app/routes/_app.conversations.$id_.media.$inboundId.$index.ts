// A patient's photo or voice note in a thread: fetched from Twilio with the receiving account's
// credentials and streamed to the signed-in viewer, never a direct Twilio link. Same 404s as the thread.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { inboundMediaUrl } from "@rm/inbox";
import { fetchInboundMedia } from "../.server/conversations.server.ts";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ROLES } from "../nav.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const media = await inboundMediaUrl(staff.em, viewerOf(staff), params.id ?? "", params.inboundId ?? "", Number(params.index)).catch(throwInboxAccessError);
  const res = await fetchInboundMedia(staff.em, staff.workspace.id, media.url, media.accountSid);
  if (!res?.body) notFound();
  return new Response(res.body, {
    headers: { "Content-Type": media.contentType, "Cache-Control": "private, no-store", "Content-Disposition": "inline", "X-Content-Type-Options": "nosniff" },
  });
}
