// The practice form (create and edit) with a live preview of the Google review link.
import { Form } from "@remix-run/react";
import { useState } from "react";
// The subpath keeps the browser bundle to the review-link module alone.
import { previewReviewLink } from "@rm/domain/review-link";
import { useMsg, type Text } from "../i18n.ts";
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
  errors: Record<string, Text>;
  formError?: Text | undefined;
  submitLabel: string;
  readOnly?: boolean;
}) {
  const msg = useMsg();
  const [review, setReview] = useState(values.googleReview ?? "");
  const preview = previewReviewLink(review);
  return (
    <Form method="post" noValidate>
      <CsrfInput />
      <FormError message={formError} />
      <fieldset disabled={readOnly} className="bare">
        <Field id="name" label={msg("practices.name")} error={errors.name}>
          {(p) => <input {...p} name="name" required maxLength={120} defaultValue={values.name ?? ""} />}
        </Field>
        <Field id="address" label={msg("practices.form.address")} error={errors.address}>
          {(p) => <input {...p} name="address" maxLength={300} defaultValue={values.address ?? ""} autoComplete="street-address" />}
        </Field>
        <div className="row">
          <Field id="city" label={msg("practices.city")} error={errors.city}>
            {(p) => <input {...p} name="city" maxLength={120} defaultValue={values.city ?? ""} />}
          </Field>
          <Field id="country" label={msg("practices.form.country")} error={errors.country}>
            {(p) => <input {...p} name="country" maxLength={2} defaultValue={values.country ?? "EC"} />}
          </Field>
        </div>
        <Field id="timezone" label={msg("practices.timezone")} error={errors.timezone} hint={msg("practices.form.timezoneHint")}>
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
          label={msg("practices.form.review")}
          error={errors.googleReview}
          hint={
            <>
              {msg("practices.form.reviewHint")}{" "}
              {preview ? (
                <>
                  {msg("practices.form.reviewLink")}{" "}
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
          label={msg("practices.form.alertPhone")}
          error={errors.staffAlertPhone}
          hint={msg("practices.form.alertPhoneHint")}
        >
          {(p) => <input {...p} name="staffAlertPhone" type="tel" defaultValue={values.staffAlertPhone ?? ""} autoComplete="tel" />}
        </Field>
        {readOnly ? null : <button type="submit">{submitLabel}</button>}
      </fieldset>
    </Form>
  );
}
