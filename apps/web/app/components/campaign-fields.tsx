// The fields the campaign pages share: practice, assigned doctor and channel, with their errors.
import { Field } from "./forms.tsx";
import { useT, type Text } from "../i18n.ts";

export interface Choices {
  practices: { id: string; name: string }[];
  doctors: { id: string; name: string; role: "DOCTOR" | "OWNER" }[];
}

type Values = Record<string, string | undefined>;
type Errors = Record<string, Text | undefined>;

export function PracticeDoctorFields({ choices, values, errors }: { choices: Choices; values: Values; errors: Errors }) {
  const t = useT();
  return (
    <div className="row">
      <Field id="practiceId" label={t("Consultorio", "Practice")} error={errors.practiceId}>
        {(p) => (
          <select {...p} name="practiceId" defaultValue={values.practiceId ?? ""} required>
            <option value="" disabled>
              {t("Elija un consultorio", "Choose a practice")}
            </option>
            {choices.practices.map((practice) => (
              <option key={practice.id} value={practice.id}>
                {practice.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="assignedDoctorId" label={t("Médico asignado", "Assigned doctor")} error={errors.assignedDoctorId} hint={t("Su nombre va en el mensaje ({{doctor}}).", "Their name goes in the message ({{doctor}}).")}>
        {(p) => (
          <select {...p} name="assignedDoctorId" defaultValue={values.assignedDoctorId ?? ""} required>
            <option value="" disabled>
              {t("Elija un médico", "Choose a doctor")}
            </option>
            {choices.doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.role === "OWNER" ? ` (${t("propietario", "owner")})` : ""}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

export function ChannelField({ values, errors, hint }: { values: Values; errors: Errors; hint?: string }) {
  const t = useT();
  return (
    <Field id="channel" label={t("Canal", "Channel")} error={errors.channel} hint={hint}>
      {(p) => (
        <select {...p} name="channel" defaultValue={values.channel ?? "WHATSAPP"}>
          <option value="WHATSAPP">WhatsApp</option>
          <option value="SMS">SMS</option>
        </select>
      )}
    </Field>
  );
}
