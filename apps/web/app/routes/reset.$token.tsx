// A one-time password reset link issued by an owner: set a new password; every session ends.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { findResetUser, resetPasswordWithToken } from "@rm/accounts";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { endStaffSession } from "@rm/accounts";
import { getSession, sessionStorage } from "../.server/session.server.ts";
import { CsrfInput, Field, FormError, fieldTexts, formText } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";
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
  const msg = useMsg();
  const errors = fieldTexts(failure);
  return (
    <main className="page narrow">
      <h1>{msg("auth.reset.title")}</h1>
      <p>
        {msg("auth.reset.for")} <strong>{email}</strong>
      </p>
      <div className="card">
        <Form method="post" noValidate>
          <CsrfInput />
          <FormError message={formText(failure)} />
          <Field id="password" label={msg("auth.reset.title")} error={errors.password} hint={msg("auth.passwordHint")}>
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <Field id="confirm" label={msg("auth.reset.repeat")} error={errors.confirm}>
            {(p) => <input {...p} name="confirm" type="password" required autoComplete="new-password" />}
          </Field>
          <button type="submit">{msg("auth.reset.submit")}</button>
        </Form>
      </div>
    </main>
  );
}

export const ErrorBoundary = InvalidLinkPage;
