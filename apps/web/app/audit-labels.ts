// The audit log as staff read it: each action and entity type by its catalogue label, the stored
// code kept beside it for whoever searches or filters by code.
import { isMessageCode, type Msg } from "@rm/catalogue";

/** An action's readable label (`template.edited` → "Plantilla editada"); the code itself when it has none. */
export function actionLabel(action: string, msg: Msg): string {
  const code = `audit.action.${action}`;
  return isMessageCode(code) ? msg(code) : action;
}

/** An entity type's label (`practice` → "Consultorio"); the type itself when it has none. */
export function entityLabel(entityType: string, msg: Msg): string {
  const code = `audit.entity.${entityType}`;
  return isMessageCode(code) ? msg(code) : entityType;
}
