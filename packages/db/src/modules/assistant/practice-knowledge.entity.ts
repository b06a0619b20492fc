import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Practice } from "../practice/practice.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * A practice's knowledge for automatic answers (SPEC §16): hours, holidays, doctors' days, address,
 * services and prices, insurance, payment, parking, questions and answers. One JSON document per practice,
 * its shape and validation owned by `@rm/assistant` (which alone reads and writes this table); `version`
 * counts the owner's saves.
 */
export const PracticeKnowledgeSchema = defineEntity({
  name: "PracticeKnowledge",
  tableName: "practice_knowledge",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    practice: p.manyToOne(Practice).deleteRule("cascade").unique(),
    data: p.json<Record<string, unknown>>(),
    version: p.integer().default(1),
    updatedBy: p.uuid().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export class PracticeKnowledge extends PracticeKnowledgeSchema.class {
  override id: string = newId();
}
PracticeKnowledgeSchema.setClass(PracticeKnowledge);
