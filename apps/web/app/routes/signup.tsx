// Sign-up (SPEC §3, §17): the visitor's details and mobile phone. Every valid request within the caps
// gets the same answer — a code by SMS and the page to type it (decision 024) — whether or not the
// email has an account; the workspace, its owner and the FREE credits exist only once the code is
// confirmed (signup_.verify.tsx).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AccountsError, PASSWORD_MIN_LENGTH, SIGNUP_ERRORS, startSignUp } from "@rm/accounts";
import { coded } from "@rm/catalogue";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { formFailure, formObject, formValues, type FormFailure } from "../.server/forms.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { logger } from "../.server/logger.server.ts";
import { getSession, looksSignedIn, sessionStorage } from "../.server/session.server.ts";
import { sendSignupCode, signupPolicy } from "../.server/signup.server.ts";
import { CsrfInput, Field, fieldTexts, FormError, formText } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { msgFor, useMsg } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Crear cuenta · Reputation Manager" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (looksSignedIn(await getSession(request))) throw redirect("/");
  // The rule's number for the hint (read on the server: @rm/accounts stays out of the browser bundle).
  return { passwordMinLength: PASSWORD_MIN_LENGTH };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await getSession(request);
  await verifyCsrf(request, session);
  const form = await request.formData();
  const locale = await getLocale(request);
  let result;
  try {
    result = await startSignUp(context.em, formObject(form), { policy: signupPolicy(), sendCode: sendSignupCode, locale, ip: context.clientAddress ?? null, now: new Date() });
  } catch (error) {
    if (error instanceof AccountsError && error.code === SIGNUP_ERRORS.limit) {
      logger.warn({ requestId: context.requestId, ip: context.clientAddress }, "sign-up code refused: cap reached");
      return data<FormFailure>({ ok: false, fieldErrors: {}, formError: msgFor(locale)("signup.error.limit"), formText: coded("signup.error.limit"), values: formValues(form) }, { status: 429 });
    }
    return formFailure(error, form);
  }
  // No email in the log: the answer and the log line are the same for a taken email.
  logger.info({ requestId: context.requestId, workspaceId: result.workspaceId }, "sign-up code sent");
  session.set("signupWorkspaceId", result.workspaceId);
  throw redirect("/signup/verify", { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
}

export default function SignUpPage() {
  const msg = useMsg();
  const { passwordMinLength } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = fieldTexts(failure);
  const values = failure?.values ?? {};
  return (
    <main className="page narrow">
      <h1>{msg("signup.title")}</h1>
      <p className="muted">
        {msg("signup.intro")}
      </p>
      <div className="card">
        <Form method="post" noValidate>
          <CsrfInput />
          <FormError message={formText(failure)} />
          <Field id="workspaceName" label={msg("signup.workspaceName")} error={errors.workspaceName}>
            {(p) => <input {...p} name="workspaceName" required maxLength={120} defaultValue={values.workspaceName} autoComplete="organization" />}
          </Field>
          <Field id="name" label={msg("signup.name")} error={errors.name}>
            {(p) => <input {...p} name="name" required maxLength={120} defaultValue={values.name} autoComplete="name" />}
          </Field>
          <Field id="email" label={msg("signup.email")} error={errors.email}>
            {(p) => <input {...p} name="email" type="email" required defaultValue={values.email} autoComplete="username" inputMode="email" />}
          </Field>
          <Field
            id="password"
            label={msg("signup.password")}
            error={errors.password}
            hint={msg("signup.password.hint", { min: passwordMinLength })}
          >
            {(p) => <input {...p} name="password" type="password" required minLength={passwordMinLength} autoComplete="new-password" />}
          </Field>
          <Field id="phone" label={msg("signup.phone.label")} error={errors.phone} hint={msg("signup.phone.hint")}>
            {(p) => <input {...p} name="phone" type="tel" required maxLength={40} defaultValue={values.phone} autoComplete="tel" inputMode="tel" />}
          </Field>
          <button type="submit" disabled={navigation.state === "submitting"}>
            {msg("signup.submit")}
          </button>
        </Form>
      </div>
      <p>
        {msg("signup.haveAccount")} <Link to="/login">{msg("signup.signIn")}</Link>
      </p>
      <LanguageSwitch />
    </main>
  );
}
