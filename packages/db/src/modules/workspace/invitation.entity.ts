import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { Role } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "./user.entity.ts";
import { Workspace } from "./workspace.entity.ts";

/** An owner's invitation to join the workspace by link; only the token's hash is stored. */
export const InvitationSchema = defineEntity({
  name: "Invitation",
  tableName: "invitations",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    email: p.text().lowercase().trim().check("email = lower(email)"),
    role: p.enum(Role),
    /** sha256 of the link's token (hex); the token itself is shown once to the owner. */
    tokenHash: p.text().unique().hidden(),
    expiresAt: p.datetime(),
    invitedBy: p.manyToOne(User).nullable().deleteRule("set null"),
    acceptedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
});

export class Invitation extends InvitationSchema.class {
  override id: string = newId();
}
InvitationSchema.setClass(Invitation);
