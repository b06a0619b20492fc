// The practice form (create and edit) with a live preview of the Google review link.
import { Form } from "@remix-run/react";
import { useState } from "react";
// The subpath keeps the browser bundle to the review-link module alone.
import { previewReviewLink } from "@rm/domain/review-link";
import { useT } from "../i18n.ts";
import { CsrfInput, Field, FormError } from "./forms.tsx";

export interface PracticeValues {
  name?: string;
  address?: string | null;
  city?: string | null;
  country?: string;
  timezone?: string;
  /** What the owner pasted or saved: a Place ID or a Google review link (reviewInputOf for a stored practice). */
  googleReview?: string | null;
  staffAlertPhone?: string | null;
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
  const [review, setReview] = useState(values.googleReview ?? "");
  const preview = previewReviewLink(review);
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
          id="googleReview"
          label={t("Enlace de reseñas o Place ID de Google", "Google review link or Place ID")}
          error={errors.googleReview}
          hint={
            <>
              {t(
                "Pegue el enlace «Pedir reseñas» de su Perfil de Empresa (https://g.page/r/…/review), un enlace https://search.google.com/local/writereview?placeid=… o el Place ID (empieza con ChIJ).",
                "Paste the “Ask for reviews” link of your Business Profile (https://g.page/r/…/review), a https://search.google.com/local/writereview?placeid=… link or the Place ID (starts with ChIJ).",
              )}{" "}
              {preview ? (
                <>
                  {t("Enlace de reseña:", "Review link:")}{" "}
                  <a href={preview} target="_blank" rel="noreferrer noopener" data-testid="review-link">
                    {preview}
                  </a>
                </>
              ) : null}
            </>
          }
        >
          {(p) => <input {...p} name="googleReview" inputMode="url" maxLength={500} value={review} onChange={(e) => setReview(e.target.value)} />}
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
