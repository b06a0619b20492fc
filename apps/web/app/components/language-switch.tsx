// Language switch (a plain form: works without JavaScript).
import { Form, useLocation } from "@remix-run/react";
import { useLocale } from "../i18n.ts";
import { CsrfInput } from "./forms.tsx";

export function LanguageSwitch() {
  const locale = useLocale();
  const location = useLocation();
  const next = locale === "es" ? "en" : "es";
  return (
    <Form method="post" action="/lang" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" className="link-button" lang={next === "en" ? "en" : "es-EC"}>
        {next === "en" ? "English" : "Español"}
      </button>
    </Form>
  );
}
