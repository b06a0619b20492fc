import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "./user.entity.ts";
import { Workspace } from "./workspace.entity.ts";

/**
 * A signed-in browser (SPEC §17): the session cookie carries a random id, this row its sha256. The
 * row is the session: logout deletes it, idle and absolute timeouts are checked against it on every
 * authenticated request, and removing the user removes it. Rules live in @rm/accounts (sessions.ts).
 */
export const StaffSessionSchema = defineEntity({
  name: "StaffSession",
  tableName: "staff_sessions",
  filters: workspaceFilter(),
  properties: {
    /** sha256 (hex) of the cookie's session id: a copy of this table signs nobody in. */
    id: p.text().primary(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    user: p.manyToOne(User).deleteRule("cascade").index(),
    /** User.sessionVersion at sign-in: a bump ("log out everywhere", password change or reset) ends the session. */
    sessionVersion: p.integer(),
    createdAt: createdAt(),
    /** Last authenticated request, updated at most once a minute (the idle timeout runs from here). */
    lastSeenAt: p.datetime(),
  },
});

export class StaffSession extends StaffSessionSchema.class {}
StaffSessionSchema.setClass(StaffSession);
