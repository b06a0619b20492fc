import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { Role } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "./workspace.entity.ts";

export const UserSchema = defineEntity({
  name: "User",
  tableName: "users",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    /** Globally unique; stored lowercased (the check makes a mixed-case insert fail loudly). */
    email: p.text().lowercase().trim().unique().check("email = lower(email)"),
    passwordHash: p.text().hidden(),
    name: p.text(),
    role: p.enum(Role),
    /** Bumped by "log out everywhere" and password changes; sessions carry the version they saw. */
    sessionVersion: p.integer().default(0),
    /** One-time reset link issued by an owner: only a hash is stored. */
    passwordResetTokenHash: p.text().nullable().hidden(),
    passwordResetExpiresAt: p.datetime().nullable(),
    lastLoginAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export class User extends UserSchema.class {
  override id: string = newId();
}
UserSchema.setClass(User);
