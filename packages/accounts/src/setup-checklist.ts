// What a workspace still needs before its first patients are asked (the home page's checklist): a
// practice with its review link, credits, a sender and approved WhatsApp templates on its default
// channel (its own or the platform's), and a first upload.
import type { EntityManager } from "@mikro-orm/postgresql";
import { sendingGaps, type PlatformSending, type SendingGap } from "@rm/domain";

export type SetupStep = "PRACTICE" | "CREDITS" | "SENDING" | "FIRST_UPLOAD";

export interface SetupItem {
  step: SetupStep;
  done: boolean;
  /** Where it is done. */
  href: string;
  /** For SENDING: what is missing (empty when done). */
  gaps?: SendingGap[];
  /** For CREDITS: the balance. */
  credits?: number;
}

export interface SetupChecklist {
  items: SetupItem[];
  /** Every step done: nothing is missing to send. */
  complete: boolean;
  /** How many practices the workspace has (the home page's next steps). */
  practices: number;
}

/** `creditsAvailable`: the workspace's available balance (@rm/credits' getCreditBalance), which the ledger owns. */
export async function setupChecklist(em: EntityManager, workspaceId: string, platform: PlatformSending, creditsAvailable: number): Promise<SetupChecklist> {
  // The workspace row itself (the tenant root: selected by its id, as the importer's settings are).
  const [ws] = await em.execute<{ plan: string; default_channel: "SMS" | "WHATSAPP"; sms_sender: string | null; whatsapp_sender: string | null; whatsapp_content_sids: Record<string, string> | null; practices: number; with_review: number; campaigns: number }[]>(
    `select w.plan, w.default_channel, w.whatsapp_sender, w.whatsapp_content_sids,
            -- The own account's chosen number or service is the SMS sender the send path uses (SPEC §12).
            coalesce((select coalesce(ta.phone_number, ta.messaging_service_sid) from twilio_accounts ta where ta.workspace_id = w.id), w.sms_sender) as sms_sender,
            (select count(*)::int from practices p where p.workspace_id = w.id) as practices,
            (select count(*)::int from practices p where p.workspace_id = w.id and (p.google_place_id is not null or p.google_review_url is not null)) as with_review,
            (select count(*)::int from campaigns c where c.workspace_id = w.id and c.status <> 'DRAFT') as campaigns
       from workspaces w where w.id = ?`,
    [workspaceId],
  );
  if (!ws) return { items: [], complete: false, practices: 0 };
  const gaps = sendingGaps({
    channels: [ws.default_channel],
    workspace: { smsSender: ws.sms_sender, whatsappSender: ws.whatsapp_sender, whatsappContentSids: ws.whatsapp_content_sids },
    platform,
  });
  const items: SetupItem[] = [
    { step: "PRACTICE", done: ws.with_review > 0, href: ws.practices > 0 ? "/practices" : "/practices/new" },
    { step: "CREDITS", done: ws.plan === "ENTERPRISE" || creditsAvailable > 0, href: "/billing", credits: creditsAvailable },
    { step: "SENDING", done: gaps.length === 0, href: "/settings", gaps },
    { step: "FIRST_UPLOAD", done: ws.campaigns > 0, href: "/campaigns/new" },
  ];
  return { items, complete: items.every((i) => i.done), practices: ws.practices };
}
