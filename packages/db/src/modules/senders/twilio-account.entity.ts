import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * A workspace's own Twilio account (SPEC §12): the practice's account or a subaccount the platform
 * created. The auth token is held only as AES-256-GCM ciphertext with the id of the key that sealed
 * it (`@rm/accounts`' credentials cipher); a previous token is kept until `previousTokenUntil` so
 * callbacks signed before a rotation at Twilio still verify. Written only through `@rm/accounts`.
 */
export const TwilioAccountSchema = defineEntity({
  name: "TwilioAccount",
  tableName: "twilio_accounts",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").unique(),
    /** AC…; unique: one account serves one workspace, so its callbacks route to that workspace only. */
    accountSid: p.text().unique(),
    /** OWN (the practice's account) or SUBACCOUNT (created under the platform's account). */
    kind: p.text().check("kind in ('OWN', 'SUBACCOUNT')"),
    tokenCiphertext: p.text(),
    tokenKeyId: p.text(),
    /** The only part of the token ever shown again. */
    tokenLast4: p.text(),
    previousTokenCiphertext: p.text().nullable(),
    previousTokenKeyId: p.text().nullable(),
    previousTokenUntil: p.datetime().nullable(),
    /** The chosen sender: an incoming number (E.164, with its PN sid) or a Messaging Service (MG…). */
    phoneNumber: p.text().nullable(),
    phoneNumberSid: p.text().nullable(),
    messagingServiceSid: p.text().nullable(),
    connectedBy: p.uuid().nullable(),
    /**
     * When the owner switched WhatsApp to this account's sender (null: WhatsApp stays on the
     * platform's). Allowed only once the flow's templates are approved on this account.
     */
    whatsappSwitchedAt: p.datetime().nullable(),
    /** The approved Content SIDs of this account, language → message type → HX…, for the send path. */
    whatsappContentSids: p.json<Partial<Record<string, Partial<Record<string, string>>>>>().defaultRaw("'{}'::jsonb").onCreate(() => ({})),
    /**
     * Content SID → its variable names in number order, for the approved SIDs above, so the send path
     * numbers ContentVariables as that template does (decision 039); a SID absent here was numbered
     * by WHATSAPP_CONTENT_VARIABLES' fixed order.
     */
    whatsappContentVariables: p.json<Partial<Record<string, string[]>>>().defaultRaw("'{}'::jsonb").onCreate(() => ({})),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export class TwilioAccount extends TwilioAccountSchema.class {
  override id: string = newId();
}
TwilioAccountSchema.setClass(TwilioAccount);
