// Accepting an invitation: the invited person sets their name and password and is signed in.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { acceptInvitation, findInvitation } from "@rm/accounts";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { startSession } from "../.server/login.server.ts";
import { getSession } from "../.server/session.server.ts";
import { CsrfInput, Field, FormError, fieldTexts, formText } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";
import { ROLE_LABELS, type StaffRole } from "../nav.ts";
import { InvalidLinkPage } from "../components/invalid-link.tsx";

export const meta: MetaFunction = () => [{ title: "Invitación · Reputation Manager" }, { name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invitation = await findInvitation(context.em, params.token ?? "");
  if (!invitation) throw data({ error: "invalid link" }, { status: 404 });
  return { email: invitation.email, role: invitation.role as StaffRole, workspaceName: invitation.workspace.name };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  let user;
  try {
    user = await acceptInvitation(context.em, params.token ?? "", formObject(form), { ip: context.clientAddress });
  } catch (error) {
    return formFailure(error, form);
  }
  return startSession(request, context.em, user, "/?notice=joined");
}

export default function AcceptInvitation() {
  const { email, role, workspaceName } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const errors = fieldTexts(failure);
  return (
    <main className="page narrow">
      <h1>{msg("auth.invite.title", { workspace: workspaceName })}</h1>
      <p>
        {msg("auth.invite.for")} <strong>{email}</strong> ({msg(ROLE_LABELS[role])}).
      </p>
      <div className="card">
        <Form method="post" noValidate>
          <CsrfInput />
          <FormError message={formText(failure)} />
          <Field id="name" label={msg("auth.invite.name")} error={errors.name}>
            {(p) => <input {...p} name="name" required autoComplete="name" defaultValue={failure?.values.name} />}
          </Field>
          <Field id="password" label={msg("auth.password")} error={errors.password} hint={msg("auth.passwordHint")}>
            {(p) => <input {...p} name="password" type="password" required minLength={10} autoComplete="new-password" />}
          </Field>
          <button type="submit">{msg("auth.invite.submit")}</button>
        </Form>
      </div>
      <p>
        <Link to="/login">{msg("auth.invite.haveUser")}</Link>
      </p>
    </main>
  );
}

export const ErrorBoundary = InvalidLinkPage;
