// A campaign's status as a word and a colour (the word carries the meaning; colour only helps).
import type { Translate } from "../i18n.ts";
import { useT } from "../i18n.ts";

const LABELS: Record<string, [string, string]> = {
  DRAFT: ["Borrador", "Draft"],
  ACTIVE: ["Activa", "Active"],
  COMPLETED: ["Completada", "Completed"],
  CANCELLED: ["Cancelada", "Cancelled"],
};

export function campaignStatusLabel(status: string, t: Translate): string {
  const label = LABELS[status];
  return label ? t(label[0], label[1]) : status;
}

export function CampaignStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <span className={`status-badge status-${status.toLowerCase()}`}>{campaignStatusLabel(status, t)}</span>;
}
