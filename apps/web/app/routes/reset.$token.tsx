// A one-time password reset link issued by an owner: set a new password; every session ends.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { findResetUser, resetPasswordWithToken } from "@rm/accounts";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { endStaffSession } from "@rm/accounts";
import { getSession, sessionStorage } from "../.server/session.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { useT } from "../i18n.ts";
import { InvalidLinkPage } from "../components/invalid-link.tsx";

export const meta: MetaFunction = () => [{ title: "Nueva contraseña · Reputation Manager" }, { name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const user = await findResetUser(context.em, params.token ?? "");
  if (!user) throw data({ error: "invalid link" }, { status: 404 });
  return { email: user.email };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const session = await getSession(request);
  await verifyCsrf(request, session);
  const form = await request.formData();
  try {
    await resetPasswordWithToken(context.em, params.token ?? "", formObject(form), { ip: context.clientAddress });
  } catch (error) {
    return formFailure(error, form);
  }
  // Whoever was signed in on this browser is signed out (the reset already ended every session of
  // the user whose password changed); the new password is needed to come back.
  await endStaffSession(context.em, session.get("sid"));
  throw redirect("/login?notice=password-reset", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}

export default function ResetPassword() {
  const { email } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const t = useT();
  const errors = failure?.fieldErrors ?? {};
  return (
    <main className="page narrow">
      <h1>{t("Nueva contraseña", "New password")}</h1>
      <p>
        {t("Para", "For")} <strong>{email}</strong>
      </p>
      <div className="card">
        <Form method="post" noValidate>
          <CsrfInput />
          <FormError message={failure?.formError} />
          <Field id="password" label={t("Nueva contraseña", "New password")} error={errors.password} hint={t("Al menos 10 caracteres.", "At least 10 characters.")}>
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <Field id="confirm" label={t("Repita la contraseña", "Repeat the password")} error={errors.confirm}>
            {(p) => <input {...p} name="confirm" type="password" required autoComplete="new-password" />}
          </Field>
          <button type="submit">{t("Guardar contraseña", "Save password")}</button>
        </Form>
      </div>
    </main>
  );
}

export const ErrorBoundary = InvalidLinkPage;
