// The fields the campaign pages share: practice, assigned doctor and channel, with their errors.
import { Field } from "./forms.tsx";
import { useMsg, type Text } from "../i18n.ts";

export interface Choices {
  practices: { id: string; name: string }[];
  doctors: { id: string; name: string; role: "DOCTOR" | "OWNER" }[];
}

type Values = Record<string, string | undefined>;
type Errors = Record<string, Text | undefined>;

export function PracticeDoctorFields({ choices, values, errors }: { choices: Choices; values: Values; errors: Errors }) {
  const msg = useMsg();
  return (
    <div className="row">
      <Field id="practiceId" label={msg("campaigns.field.practice")} error={errors.practiceId}>
        {(p) => (
          <select {...p} name="practiceId" defaultValue={values.practiceId ?? ""} required>
            <option value="" disabled>
              {msg("campaigns.field.choosePractice")}
            </option>
            {choices.practices.map((practice) => (
              <option key={practice.id} value={practice.id}>
                {practice.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="assignedDoctorId" label={msg("campaigns.field.doctor")} error={errors.assignedDoctorId} hint={msg("campaigns.field.doctorHint", { variable: "{{doctor}}" })}>
        {(p) => (
          <select {...p} name="assignedDoctorId" defaultValue={values.assignedDoctorId ?? ""} required>
            <option value="" disabled>
              {msg("campaigns.field.chooseDoctor")}
            </option>
            {choices.doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.role === "OWNER" ? ` (${msg("campaigns.field.owner")})` : ""}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

export function ChannelField({ values, errors, hint }: { values: Values; errors: Errors; hint?: string }) {
  const msg = useMsg();
  return (
    <Field id="channel" label={msg("campaigns.field.channel")} error={errors.channel} hint={hint}>
      {(p) => (
        <select {...p} name="channel" defaultValue={values.channel ?? "WHATSAPP"}>
          <option value="WHATSAPP">WhatsApp</option>
          <option value="SMS">SMS</option>
        </select>
      )}
    </Field>
  );
}
