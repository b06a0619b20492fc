import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { Channel } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Campaign } from "./campaign.entity.ts";

/**
 * What an uploaded CSV held, kept beside its DRAFT campaign between the upload and the confirmation
 * (SPEC §4: a campaign is DRAFT while importing or waiting for credits). Written and read by
 * @rm/importer (campaign-draft.ts): the accepted rows as compact tuples until the campaign is
 * confirmed (then null), the rejected rows and merged duplicates for the preview and their download.
 */
export const CampaignDraftSchema = defineEntity({
  name: "CampaignDraft",
  tableName: "campaign_drafts",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    campaign: p.manyToOne(Campaign).deleteRule("cascade"),
    /** Channel for rows that name none (the campaign table has no channel of its own). */
    channel: p.enum(Channel),
    fileName: p.text().nullable(),
    encoding: p.text(),
    delimiter: p.text(),
    /** Accepted rows (tuples, see @rm/importer); null once the campaign was confirmed. */
    rows: p.json<unknown[]>().nullable(),
    rejected: p.json<unknown[]>(),
    duplicates: p.json<unknown[]>(),
    warnings: p.json<string[]>(),
    counts: p.json<Record<string, number>>(),
    /** The file had a consent column; without one, confirming needs the uploader's attestation. */
    consentColumn: p.boolean().default(true),
    expiresAt: p.datetime(),
    confirmedAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
  indexes: [{ name: "campaign_drafts_workspace_expires_idx", properties: ["workspace", "expiresAt"] }],
  // One draft per campaign; workspace_id in the key as in every tenant key that can have it.
  uniques: [{ name: "campaign_drafts_campaign_unique", properties: ["workspace", "campaign"] }],
});

export class CampaignDraft extends CampaignDraftSchema.class {
  override id: string = newId();
}
CampaignDraftSchema.setClass(CampaignDraft);
