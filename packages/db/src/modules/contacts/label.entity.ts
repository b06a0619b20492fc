import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Contact } from "./contact.entity.ts";

/**
 * A workspace's own contact label (SPEC §13): a plain text name, no colour. Owned by @rm/contacts.
 * Names are unique per workspace whatever their case, so "VIP" and "vip" are one label.
 */
export const LabelSchema = defineEntity({
  name: "Label",
  tableName: "labels",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    name: p.text().check("(char_length(name) >= 1) AND (char_length(name) <= 40)"),
    createdAt: createdAt(),
  },
  indexes: [{ name: "labels_workspace_name_uq", expression: `create unique index "labels_workspace_name_uq" on "labels" ("workspace_id", lower("name"))` }],
});

export class Label extends LabelSchema.class {
  override id: string = newId();
}
LabelSchema.setClass(Label);

/** One label on one contact (who put it there and when). Owned by @rm/contacts. */
export const ContactLabelSchema = defineEntity({
  name: "ContactLabel",
  tableName: "contact_labels",
  filters: workspaceFilter(),
  properties: {
    contact: p.manyToOne(Contact).primary().deleteRule("cascade"),
    label: p.manyToOne(Label).primary().deleteRule("cascade"),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    assignedBy: p.manyToOne(User).nullable().deleteRule("set null"),
    createdAt: createdAt(),
  },
  // "Contacts with this label" (the list's filter, findContactsByLabels) reads the label's rows only.
  indexes: [{ name: "contact_labels_label_idx", properties: ["workspace", "label", "contact"] }],
});

export class ContactLabel extends ContactLabelSchema.class {}
ContactLabelSchema.setClass(ContactLabel);
