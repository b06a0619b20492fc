import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { LedgerKind } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * One credit movement. `amount` is signed as it affects the available balance (grant/release/refund
 * positive, hold/deduct negative); available = SUM(amount). Written only through @rm/credits.
 */
export const CreditLedgerEntrySchema = defineEntity({
  name: "CreditLedgerEntry",
  tableName: "credit_ledger_entries",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    kind: p.enum(LedgerKind),
    amount: p
      .integer()
      .check("(kind in ('grant', 'release', 'refund') and amount >= 0) or (kind in ('hold', 'deduct') and amount <= 0)"),
    /** Idempotency key of the movement, unique per (workspace, kind). */
    reference: p.text(),
    /** release/deduct → the hold they settle; refund → the deduction it returns. */
    relatedEntryId: p.uuid().nullable(),
    reason: p.text().nullable(),
    createdAt: createdAt(),
  },
  uniques: [{ name: "credit_ledger_once_uq", properties: ["workspace", "kind", "reference"] }],
  indexes: [
    // Index-only SUM per workspace.
    { name: "credit_ledger_balance_idx", properties: ["workspace"], include: ["amount"] },
    { name: "credit_ledger_related_idx", properties: ["relatedEntryId"], where: "related_entry_id is not null" },
    // The billing page's history, newest first, paged by (created_at, id).
    { name: "credit_ledger_history_idx", properties: ["workspace", "createdAt", "id"] },
  ],
});

export class CreditLedgerEntry extends CreditLedgerEntrySchema.class {
  override id: string = newId();
}
CreditLedgerEntrySchema.setClass(CreditLedgerEntry);
