// Mi cuenta: change one's own password (ends every other session) and "log out everywhere".
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { changePassword, logoutEverywhere } from "@rm/accounts";
import { formFailure, formObject, str } from "../.server/forms.server.ts";
import { actorOf, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, fieldTexts, formText } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";

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
  const msg = useMsg();
  const errors = fieldTexts(failure);
  const notice = params.get("notice");
  return (
    <>
      <h1>{msg("account.title")}</h1>
      <p>
        {name} · {email}
      </p>
      {notice === "password" ? (
        <p className="notice" role="status">
          {msg("account.passwordChanged")}
        </p>
      ) : null}
      {notice === "logged-out" ? (
        <p className="notice" role="status">
          {msg("account.loggedOut")}
        </p>
      ) : null}
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">{msg("account.password.title")}</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="password" />
          <FormError message={formText(failure)} />
          <Field id="current" label={msg("account.password.current")} error={errors.current}>
            {(p) => <input {...p} name="current" type="password" required autoComplete="current-password" />}
          </Field>
          <Field id="password" label={msg("account.password.new")} error={errors.password} hint={msg("account.password.hint")}>
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <Field id="confirm" label={msg("account.password.repeat")} error={errors.confirm}>
            {(p) => <input {...p} name="confirm" type="password" required autoComplete="new-password" />}
          </Field>
          <button type="submit">{msg("account.password.submit")}</button>
        </Form>
      </section>
      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{msg("account.sessions.title")}</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="logout-everywhere" />
          <button type="submit" className="secondary">
            {msg("account.sessions.logoutEverywhere")}
          </button>
        </Form>
      </section>
    </>
  );
}
