// Mi cuenta: change one's own password (ends every other session) and "log out everywhere".
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { changePassword, logoutEverywhere } from "@rm/accounts";
import { formFailure, formObject, str } from "../.server/forms.server.ts";
import { actorOf, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { useT } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Mi cuenta · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  return { name: user.name, email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context);
  const form = await request.formData();
  const intent = str(form, "intent");
  try {
    // Every other session of the user ends on the server; this browser's stays (actorOf keeps it).
    if (intent === "logout-everywhere") await logoutEverywhere(staff.em, actorOf(staff));
    else await changePassword(staff.em, actorOf(staff), formObject(form));
    throw redirect(`/account?notice=${intent === "logout-everywhere" ? "logged-out" : "password"}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return formFailure(error, form);
  }
}

export default function AccountPage() {
  const { name, email } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const errors = failure?.fieldErrors ?? {};
  const notice = params.get("notice");
  return (
    <>
      <h1>{t("Mi cuenta", "My account")}</h1>
      <p>
        {name} · {email}
      </p>
      {notice === "password" ? (
        <p className="notice" role="status">
          {t("Contraseña cambiada. Las demás sesiones se cerraron.", "Password changed. Your other sessions were signed out.")}
        </p>
      ) : null}
      {notice === "logged-out" ? (
        <p className="notice" role="status">
          {t("Se cerraron todas las demás sesiones.", "All your other sessions were signed out.")}
        </p>
      ) : null}
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">{t("Cambiar contraseña", "Change password")}</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="password" />
          <FormError message={failure?.formError} />
          <Field id="current" label={t("Contraseña actual", "Current password")} error={errors.current}>
            {(p) => <input {...p} name="current" type="password" required autoComplete="current-password" />}
          </Field>
          <Field id="password" label={t("Nueva contraseña", "New password")} error={errors.password} hint={t("Al menos 10 caracteres.", "At least 10 characters.")}>
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <Field id="confirm" label={t("Repita la nueva contraseña", "Repeat the new password")} error={errors.confirm}>
            {(p) => <input {...p} name="confirm" type="password" required autoComplete="new-password" />}
          </Field>
          <button type="submit">{t("Cambiar contraseña", "Change password")}</button>
        </Form>
      </section>
      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("Sesiones", "Sessions")}</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="logout-everywhere" />
          <button type="submit" className="secondary">
            {t("Cerrar sesión en todos los demás dispositivos", "Sign out on every other device")}
          </button>
        </Form>
      </section>
    </>
  );
}
