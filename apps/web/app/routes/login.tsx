import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import type { InputHTMLAttributes } from "react";
import { createAuthenticator, FORM_STRATEGY, LoginError } from "../.server/auth.server.ts";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import { beginLoginAttempt, loginSucceeded } from "../.server/login-throttle.server.ts";
import { startSession } from "../.server/login.server.ts";
import { getSession, looksSignedIn, safeRedirect } from "../.server/session.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { useMsg } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Iniciar sesión · Reputation Manager" }];

// A throttled sign-in's wait reaches the browser's document response too, not only `.data` requests.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

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
  // Counted before the password is checked: parallel guesses cannot all pass while argon2 runs.
  const attempt = await beginLoginAttempt(email, context.clientAddress);
  if (!attempt.allowed) {
    logger.warn({ requestId: context.requestId, retryAfter: attempt.retryAfterSeconds }, "login throttled");
    return data(
      { code: "throttled" as const, retryAfter: attempt.retryAfterSeconds },
      { status: 429, headers: { "Retry-After": String(attempt.retryAfterSeconds) } },
    );
  }
  let user;
  try {
    user = await createAuthenticator(context.em).authenticate(FORM_STRATEGY, request);
  } catch (error) {
    if (error instanceof LoginError) {
      logger.info({ requestId: context.requestId }, "login failed");
      return data({ code: "invalid" as const }, { status: 401 });
    }
    throw error;
  }
  await loginSucceeded(email, context.clientAddress);
  logger.info({ requestId: context.requestId, userId: user.userId }, "login");
  // A new session id and CSRF token: nothing of the visitor's cookie stays valid after sign-in.
  return startSession(request, context.em, user, redirectTo);
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction?.startsWith("/login") === true;
  const msg = useMsg();
  const error = !actionData
    ? undefined
    : actionData.code === "throttled"
      ? msg("security.login.throttled", { seconds: actionData.retryAfter })
      : msg("auth.login.invalid");
  const notice = searchParams.get("notice");
  return (
    <main className="page narrow">
      <h1>{msg("auth.login.title")}</h1>
      {notice === "password-reset" ? (
        <p className="notice" role="status">
          {msg("auth.login.passwordReset")}
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
          <CredentialField id="email" label={msg("auth.email")} type="email" autoComplete="username" inputMode="email" autoFocus error={Boolean(error)} />
          <CredentialField id="password" label={msg("auth.password")} type="password" autoComplete="current-password" error={Boolean(error)} />
          <button type="submit" disabled={submitting}>
            {submitting ? msg("auth.login.submitting") : msg("auth.login.submit")}
          </button>
        </Form>
      </div>
      <p>
        {msg("auth.login.newHere")} <Link to="/signup">{msg("auth.login.signup")}</Link>
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
