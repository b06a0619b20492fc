// The fields of a library entry (name, objective, text, WhatsApp category, WhatsApp use), shared by
// the new and edit pages. Values come back from a refused save as typed, so nothing is lost.
import type { Text } from "../i18n.ts";
import { useMsg } from "../i18n.ts";
import { Field } from "./forms.tsx";

export interface EntryValues {
  name: string;
  objective: string;
  body: string;
  category: string;
  /** "on" when ticked. */
  forWhatsapp: string;
}

export const LIBRARY_VARIABLE_NAMES = ["name", "practice", "doctor"] as const;

export function EntryFields({ values, errors, rates }: { values: EntryValues; errors: Record<string, Text>; rates: { MARKETING: number; UTILITY: number } }) {
  const msg = useMsg();
  return (
    <>
      <Field id="name" label={msg("library.field.name")} error={errors.name}>
        {(p) => <input {...p} name="name" maxLength={120} defaultValue={values.name} required />}
      </Field>
      <Field id="objective" label={msg("library.field.objective")} error={errors.objective} hint={msg("library.field.objective.hint")}>
        {(p) => <input {...p} name="objective" maxLength={300} defaultValue={values.objective} />}
      </Field>
      <Field
        id="body"
        label={msg("library.field.body")}
        error={errors.body}
        hint={msg("library.field.body.hint", { names: LIBRARY_VARIABLE_NAMES.map((v) => `{{${v}}}`).join(" "), example: "{nombre_cliente}" })}
      >
        {(p) => <textarea {...p} name="body" rows={6} defaultValue={values.body} required />}
      </Field>
      <Field id="category" label={msg("library.field.category")} error={errors.category} hint={msg("library.field.category.hint", { marketing: rates.MARKETING, utility: rates.UTILITY })}>
        {(p) => (
          <select {...p} name="category" defaultValue={values.category || "MARKETING"}>
            <option value="MARKETING">{msg("library.category.MARKETING")}</option>
            <option value="UTILITY">{msg("library.category.UTILITY")}</option>
          </select>
        )}
      </Field>
      <div className="field checkbox">
        <label>
          <input type="checkbox" name="forWhatsapp" value="on" defaultChecked={values.forWhatsapp === "on"} /> {msg("library.field.forWhatsapp")}
        </label>
      </div>
    </>
  );
}
