import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import type { InputHTMLAttributes } from "react";
import { createAuthenticator, FORM_STRATEGY, LoginError } from "../.server/auth.server.ts";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import {
  clearLoginFailures,
  isLoginThrottled,
  recordLoginFailure,
  THROTTLED_MESSAGE,
} from "../.server/login-throttle.server.ts";
import { startSession } from "../.server/login.server.ts";
import { getSession, looksSignedIn, safeRedirect } from "../.server/session.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { useT } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Iniciar sesión · Reputation Manager" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request);
  if (looksSignedIn(session)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  // The strategy reads the body; what it does not read (redirectTo) comes from a clone.
  const form = await request.clone().formData();
  const redirectTo = safeRedirect(form.get("redirectTo"));
  const email = String(form.get("email") ?? "").trim().toLowerCase();
  if (await isLoginThrottled(email)) {
    logger.warn({ requestId: context.requestId }, "login throttled");
    return data({ error: THROTTLED_MESSAGE, code: "throttled" as const }, { status: 429 });
  }
  let user;
  try {
    user = await createAuthenticator(context.em).authenticate(FORM_STRATEGY, request);
  } catch (error) {
    if (error instanceof LoginError) {
      await recordLoginFailure(email);
      logger.info({ requestId: context.requestId }, "login failed");
      return data({ error: error.message, code: "invalid" as const }, { status: 401 });
    }
    throw error;
  }
  await clearLoginFailures(email);
  logger.info({ requestId: context.requestId, userId: user.userId }, "login");
  // A new session id and CSRF token: nothing of the visitor's cookie stays valid after sign-in.
  return startSession(request, context.em, user, redirectTo);
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction?.startsWith("/login") === true;
  const t = useT();
  const error = !actionData
    ? undefined
    : actionData.code === "throttled"
      ? t(actionData.error, "Too many failed attempts. Wait a few minutes and try again.")
      : t(actionData.error, "Wrong email or password");
  const notice = searchParams.get("notice");
  return (
    <main className="page narrow">
      <h1>{t("Iniciar sesión", "Sign in")}</h1>
      {notice === "password-reset" ? (
        <p className="notice" role="status">
          {t("Contraseña actualizada. Inicie sesión con la nueva contraseña.", "Password updated. Sign in with your new password.")}
        </p>
      ) : null}
      <div className="card">
        <Form method="post">
          <CsrfInput />
          {error ? (
            <p id="login-error" className="error" role="alert">
              {error}
            </p>
          ) : null}
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <CredentialField id="email" label={t("Correo electrónico", "Email")} type="email" autoComplete="username" inputMode="email" autoFocus error={Boolean(error)} />
          <CredentialField id="password" label={t("Contraseña", "Password")} type="password" autoComplete="current-password" error={Boolean(error)} />
          <button type="submit" disabled={submitting}>
            {submitting ? t("Ingresando…", "Signing in…") : t("Ingresar", "Sign in")}
          </button>
        </Form>
      </div>
      <p>
        {t("¿Primera vez aquí?", "New here?")} <Link to="/signup">{t("Cree una cuenta para su consultorio", "Create an account for your practice")}</Link>
      </p>
      <LanguageSwitch />
    </main>
  );
}

/** A required sign-in field, marked invalid and pointing at the error while sign-in is refused. */
function CredentialField({ id, label, error, ...input }: { id: string; label: string; error: boolean } & Pick<InputHTMLAttributes<HTMLInputElement>, "type" | "autoComplete" | "inputMode" | "autoFocus">) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={id} {...input} required aria-invalid={error ? true : undefined} aria-describedby={error ? "login-error" : undefined} />
    </div>
  );
}
