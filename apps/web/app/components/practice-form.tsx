// The practice form (create and edit) with a live preview of the Google review link.
import { Form } from "@remix-run/react";
import { useState } from "react";
import { useT } from "../i18n.ts";
import { CsrfInput, Field, FormError } from "./forms.tsx";

export interface PracticeValues {
  name?: string;
  address?: string | null;
  city?: string | null;
  country?: string;
  timezone?: string;
  googlePlaceId?: string | null;
  staffAlertPhone?: string | null;
}

/** Same link as @rm/db's googleReviewUrl (kept here so the browser bundle stays small). */
export function reviewLink(placeId: string): string {
  return `https://search.google.com/local/writereview?placeid=${encodeURIComponent(placeId)}`;
}

export function PracticeForm({
  values,
  errors,
  formError,
  submitLabel,
  readOnly,
}: {
  values: PracticeValues;
  errors: Record<string, string>;
  formError?: string | undefined;
  submitLabel: string;
  readOnly?: boolean;
}) {
  const t = useT();
  const [placeId, setPlaceId] = useState(values.googlePlaceId ?? "");
  return (
    <Form method="post" noValidate>
      <CsrfInput />
      <FormError message={formError} />
      <fieldset disabled={readOnly} className="bare">
        <Field id="name" label={t("Nombre", "Name")} error={errors.name}>
          {(p) => <input {...p} name="name" required maxLength={120} defaultValue={values.name ?? ""} />}
        </Field>
        <Field id="address" label={t("Dirección", "Address")} error={errors.address}>
          {(p) => <input {...p} name="address" maxLength={300} defaultValue={values.address ?? ""} autoComplete="street-address" />}
        </Field>
        <div className="row">
          <Field id="city" label={t("Ciudad", "City")} error={errors.city}>
            {(p) => <input {...p} name="city" maxLength={120} defaultValue={values.city ?? ""} />}
          </Field>
          <Field id="country" label={t("País (código)", "Country (code)")} error={errors.country}>
            {(p) => <input {...p} name="country" maxLength={2} defaultValue={values.country ?? "EC"} />}
          </Field>
        </div>
        <Field id="timezone" label={t("Zona horaria", "Time zone")} error={errors.timezone} hint={t("Nombre IANA, p. ej. America/Guayaquil.", "IANA name, e.g. America/Guayaquil.")}>
          {(p) => <input {...p} name="timezone" required defaultValue={values.timezone ?? "America/Guayaquil"} list="timezones" />}
        </Field>
        <datalist id="timezones">
          <option value="America/Guayaquil" />
          <option value="Pacific/Galapagos" />
          <option value="America/Bogota" />
          <option value="America/Lima" />
          <option value="America/New_York" />
          <option value="Europe/Madrid" />
        </datalist>
        <Field
          id="googlePlaceId"
          label={t("Place ID de Google", "Google Place ID")}
          error={errors.googlePlaceId}
          hint={
            <>
              {t("Búsquelo en el buscador de Place ID de Google (empieza con ChIJ).", "Find it with Google's Place ID finder (starts with ChIJ).")}{" "}
              {placeId.trim() ? (
                <>
                  {t("Enlace de reseña:", "Review link:")}{" "}
                  <a href={reviewLink(placeId.trim())} target="_blank" rel="noreferrer noopener" data-testid="review-link">
                    {reviewLink(placeId.trim())}
                  </a>
                </>
              ) : null}
            </>
          }
        >
          {(p) => <input {...p} name="googlePlaceId" value={placeId} onChange={(e) => setPlaceId(e.target.value)} />}
        </Field>
        <Field
          id="staffAlertPhone"
          label={t("Teléfono para alertas al personal", "Staff alert phone")}
          error={errors.staffAlertPhone}
          hint={t("Recibe un aviso cuando un paciente califica mal (p. ej. 0991234567).", "Gets a message when a patient gives a low rating (e.g. 0991234567).")}
        >
          {(p) => <input {...p} name="staffAlertPhone" type="tel" defaultValue={values.staffAlertPhone ?? ""} autoComplete="tel" />}
        </Field>
        {readOnly ? null : <button type="submit">{submitLabel}</button>}
      </fieldset>
    </Form>
  );
}
