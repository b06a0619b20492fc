// Sign-up (SPEC §3): creates the workspace, its owner, the default templates and the FREE plan's
// credits, signs the owner in and asks for the first practice.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { signUp } from "@rm/accounts";
import { startFreePlan } from "@rm/stripe-billing";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { logger } from "../.server/logger.server.ts";
import { startSession } from "../.server/login.server.ts";
import { getSession, looksSignedIn } from "../.server/session.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { useT } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Crear cuenta · Reputation Manager" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (looksSignedIn(await getSession(request))) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  let result;
  try {
    result = await signUp(context.em, formObject(form), {
      ip: context.clientAddress,
      startPlan: (em, workspaceId) => startFreePlan(em, workspaceId, { now: new Date() }),
    });
  } catch (error) {
    return formFailure(error, form);
  }
  logger.info({ requestId: context.requestId, userId: result.userId, workspaceId: result.workspaceId }, "signed up");
  return startSession(request, context.em, result, "/practices/new?welcome=1");
}

export default function SignUpPage() {
  const t = useT();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = failure?.fieldErrors ?? {};
  const values = failure?.values ?? {};
  return (
    <main className="page narrow">
      <h1>{t("Crear cuenta", "Create an account")}</h1>
      <p className="muted">
        {t(
          "Plan FREE: 50 créditos al mes para pedir calificaciones a sus pacientes. Sin tarjeta.",
          "FREE plan: 50 credits a month to ask your patients for ratings. No card needed.",
        )}
      </p>
      <div className="card">
        <Form method="post" noValidate>
          <CsrfInput />
          <FormError message={failure?.formError} />
          <Field id="workspaceName" label={t("Nombre del consultorio o clínica", "Practice or clinic name")} error={errors.workspaceName}>
            {(p) => <input {...p} name="workspaceName" required maxLength={120} defaultValue={values.workspaceName} autoComplete="organization" />}
          </Field>
          <Field id="name" label={t("Su nombre", "Your name")} error={errors.name}>
            {(p) => <input {...p} name="name" required maxLength={120} defaultValue={values.name} autoComplete="name" />}
          </Field>
          <Field id="email" label={t("Correo electrónico", "Email")} error={errors.email}>
            {(p) => <input {...p} name="email" type="email" required defaultValue={values.email} autoComplete="username" inputMode="email" />}
          </Field>
          <Field
            id="password"
            label={t("Contraseña", "Password")}
            error={errors.password}
            hint={t("Al menos 10 caracteres.", "At least 10 characters.")}
          >
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <button type="submit" disabled={navigation.state === "submitting"}>
            {t("Crear cuenta", "Create account")}
          </button>
        </Form>
      </div>
      <p>
        {t("¿Ya tiene cuenta?", "Already have an account?")} <Link to="/login">{t("Inicie sesión", "Sign in")}</Link>
      </p>
      <LanguageSwitch />
    </main>
  );
}
