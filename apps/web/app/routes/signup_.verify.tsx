// Sign-up, second step (SPEC §17, decision 024): the code texted to the owner's phone. The right code
// creates the owner, grants the FREE credits (once per phone) and signs in; a wrong one counts an
// attempt. "Send a new code" is under the same caps as the first.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AccountsError, confirmSignUp, pendingSignUp, resendSignUpCode, SIGNUP_ERRORS, type SignUpErrorCode } from "@rm/accounts";
import type { MessageCode } from "@rm/catalogue";
import { verificationCodeStatus } from "@rm/messaging";
import { startFreePlan } from "@rm/stripe-billing";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { logger } from "../.server/logger.server.ts";
import { startSession } from "../.server/login.server.ts";
import { getSession, looksSignedIn, sessionStorage } from "../.server/session.server.ts";
import { sendSignupCode, signupPolicy } from "../.server/signup.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { msgFor, useMsg } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Confirme su celular · Reputation Manager" }];

const ERROR_TEXT: Record<SignUpErrorCode, MessageCode> = {
  [SIGNUP_ERRORS.limit]: "signup.error.limit",
  [SIGNUP_ERRORS.wrongCode]: "signup.error.wrongCode",
  [SIGNUP_ERRORS.expired]: "signup.error.expired",
  [SIGNUP_ERRORS.spent]: "signup.error.spent",
  [SIGNUP_ERRORS.none]: "signup.verify.none",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSession(request);
  if (looksSignedIn(session)) throw redirect("/");
  const workspaceId = session.get("signupWorkspaceId");
  const pending = workspaceId ? await pendingSignUp(context.em, workspaceId) : null;
  if (!workspaceId || !pending || pending.verified) return { pending: null };
  const status = pending.messageId ? await verificationCodeStatus(context.em, workspaceId, pending.messageId) : null;
  return { pending: { maskedPhone: pending.maskedPhone, status } };
}

type ActionResult = { ok: false; formError: string } | { ok: true; resent: true } | { ok: true; emailTaken: true };

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await getSession(request);
  await verifyCsrf(request, session);
  const form = await request.formData();
  const locale = await getLocale(request);
  const msg = msgFor(locale);
  const workspaceId = session.get("signupWorkspaceId");
  if (!workspaceId) return data<ActionResult>({ ok: false, formError: msg("signup.verify.none") }, { status: 400 });
  const ip = context.clientAddress ?? null;
  try {
    if (form.get("intent") === "resend") {
      await resendSignUpCode(context.em, workspaceId, { policy: signupPolicy(), sendCode: sendSignupCode, ip, now: new Date() });
      return data<ActionResult>({ ok: true, resent: true });
    }
    const code = typeof form.get("code") === "string" ? String(form.get("code")) : "";
    const result = await confirmSignUp(context.em, workspaceId, code, {
      policy: signupPolicy(),
      startPlan: (em, id) => startFreePlan(em, id, { now: new Date() }),
      ip,
      now: new Date(),
    });
    if (result.kind === "email_taken") {
      // The phone is proven; only now is the taken email said, and nothing was created.
      logger.info({ requestId: context.requestId, workspaceId }, "sign-up confirmed for an email that has an account; nothing created");
      session.unset("signupWorkspaceId");
      return data<ActionResult>({ ok: true, emailTaken: true }, { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
    }
    logger.info({ requestId: context.requestId, userId: result.userId, workspaceId: result.workspaceId, freeCredits: result.creditsGranted }, "signed up");
    return await startSession(request, context.em, result, `/practices/new?welcome=1${result.creditsGranted ? "" : "&noCredits=1"}`);
  } catch (error) {
    if (error instanceof AccountsError && error.code in ERROR_TEXT_BY_CODE) {
      const status = error.code === SIGNUP_ERRORS.limit ? 429 : 400;
      return data<ActionResult>({ ok: false, formError: msg(ERROR_TEXT[error.code as SignUpErrorCode]) }, { status });
    }
    throw error;
  }
}

const ERROR_TEXT_BY_CODE: Record<string, true> = Object.fromEntries(Object.keys(ERROR_TEXT).map((k) => [k, true]));

export default function VerifySignUpPage() {
  const msg = useMsg();
  const { pending } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  if (result?.ok && "emailTaken" in result) {
    return (
      <main className="page narrow">
        <h1>{msg("signup.verify.title")}</h1>
        <p className="notice" role="status">
          {msg("signup.emailTaken")}
        </p>
        <p>
          <Link to="/login">{msg("signup.verify.signIn")}</Link>
        </p>
        <LanguageSwitch />
      </main>
    );
  }
  return (
    <main className="page narrow">
      <h1>{msg("signup.verify.title")}</h1>
      {pending ? (
        <>
          <p>{msg("signup.verify.intro", { phone: pending.maskedPhone })}</p>
          {pending.status ? (
            <p className={pending.status === "failed" ? "error" : "muted"} data-testid="code-status">
              {msg(`signup.verify.status.${pending.status}`)}
            </p>
          ) : null}
          {result?.ok && "resent" in result ? (
            <p className="notice" role="status">
              {msg("signup.verify.resent")}
            </p>
          ) : null}
          <div className="card">
            <Form method="post" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="confirm" />
              <FormError message={result && !result.ok ? result.formError : undefined} />
              <Field id="code" label={msg("signup.verify.code")}>
                {(p) => <input {...p} name="code" required inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={8} />}
              </Field>
              <button type="submit" disabled={navigation.state === "submitting"}>
                {msg("signup.verify.submit")}
              </button>
            </Form>
          </div>
          <Form method="post" className="resend">
            <CsrfInput />
            <input type="hidden" name="intent" value="resend" />
            <button type="submit" className="secondary">
              {msg("signup.verify.resend")}
            </button>
          </Form>
        </>
      ) : (
        <>
          <FormError message={result && !result.ok ? result.formError : undefined} />
          <p>{msg("signup.verify.none")}</p>
        </>
      )}
      <p>
        <Link to="/signup">{msg("signup.verify.restart")}</Link>
      </p>
      <LanguageSwitch />
    </main>
  );
}
