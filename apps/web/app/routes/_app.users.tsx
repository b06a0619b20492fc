// Usuarios (owners only): members and their roles, invitations by link, one-time password reset
// links. FREE allows one user; the last owner cannot be demoted or removed.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { changeRole, findInvitationById, findUser, INVITATION_TTL_DAYS, inviteUser, issuePasswordReset, listOpenInvitations, listUsers, removeUser, RESET_TTL_HOURS, revokeInvitation } from "@rm/accounts";
import { coded } from "@rm/catalogue";
import { canAddUser, isPlan } from "@rm/domain";
import type { ReactNode } from "react";
import { getEnv } from "../.server/env.server.ts";
import { formFailure, str } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, fieldTexts, formText } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLE_LABELS, ROLES, type StaffRole } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Usuarios · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace, user: me } = await requireUser(request, context, { roles: ROLES.OWNER });
  const now = new Date();
  const users = await listUsers(em);
  const invitations = await listOpenInvitations(em, now);
  const plan = isPlan(workspace.plan) ? workspace.plan : "FREE";
  return {
    meId: me.id,
    plan,
    canInvite: canAddUser(plan, users.length + invitations.length),
    users: users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role as StaffRole, lastLoginAt: u.lastLoginAt?.toISOString() ?? null })),
    invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: i.role as StaffRole, expiresAt: i.expiresAt.toISOString() })),
    timezone: workspace.timezone,
    inviteDays: INVITATION_TTL_DAYS,
    resetHours: RESET_TTL_HOURS,
  };
}

function linkTo(path: string): string {
  return new URL(path, getEnv().PUBLIC_URL).toString();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  const intent = str(form, "intent");
  const actor = actorOf(staff);
  try {
    switch (intent) {
      case "invite": {
        const { token, invitation } = await inviteUser(staff.em, actor, { email: str(form, "email"), role: str(form, "role") });
        return data({ ok: true as const, intent, link: linkTo(`/invite/${token}`), email: invitation.email });
      }
      case "role": {
        const user = (await findUser(staff.em, str(form, "userId"))) ?? notFound();
        await changeRole(staff.em, actor, user.id, str(form, "role"));
        return data({ ok: true as const, intent, email: user.email });
      }
      case "remove": {
        const user = (await findUser(staff.em, str(form, "userId"))) ?? notFound();
        await removeUser(staff.em, actor, user.id);
        return data({ ok: true as const, intent, email: user.email });
      }
      case "reset": {
        const user = (await findUser(staff.em, str(form, "userId"))) ?? notFound();
        const { token } = await issuePasswordReset(staff.em, actor, user.id);
        return data({ ok: true as const, intent, link: linkTo(`/reset/${token}`), email: user.email });
      }
      case "revoke": {
        const invitation = (await findInvitationById(staff.em, str(form, "invitationId"))) ?? notFound();
        await revokeInvitation(staff.em, actor, invitation.id);
        return data({ ok: true as const, intent, email: invitation.email });
      }
      default:
        throw data({ error: coded("billing.error.unknownAction") }, { status: 400 });
    }
  } catch (error) {
    return formFailure(error, form, intent);
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Result = ReturnType<typeof useActionData<typeof action>>;
type Failure = Extract<NonNullable<Result>, { ok: false }>;

function RoleSelect({ id, name, value, label }: { id: string; name: string; value?: string; label: string }) {
  const msg = useMsg();
  return (
    <select id={id} name={name} defaultValue={value ?? "DOCTOR"} aria-label={label}>
      {(["OWNER", "DOCTOR", "RECEPTIONIST"] as const).map((r) => (
        <option key={r} value={r}>
          {msg(ROLE_LABELS[r])}
        </option>
      ))}
    </select>
  );
}

/** One staff action as its own small POST form: the CSRF token, the intent and the ids it acts on. */
function IntentForm({ intent, ids, className, children }: { intent: string; ids: Record<string, string>; className?: string; children: ReactNode }) {
  return (
    <Form method="post" className={className}>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(ids).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </Form>
  );
}

export default function UsersPage() {
  const { meId, users, invitations, canInvite, plan, timezone, inviteDays, resetHours } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const msg = useMsg();
  const failure = result && !result.ok ? result : undefined;
  const success = result && result.ok ? result : undefined;
  return (
    <>
      <h1>{msg("users.title")}</h1>
      {failure && (failure.intent !== "invite" || failure.formError) ? <FormError message={formText(failure) ?? Object.values(fieldTexts(failure))[0]} /> : null}
      {success?.intent === "invite" ? <InvitationLink email={success.email} link={success.link} days={inviteDays} /> : null}
      {success?.intent === "reset" ? <ResetLink email={success.email} link={success.link} hours={resetHours} /> : null}
      {success && (success.intent === "role" || success.intent === "remove" || success.intent === "revoke") ? (
        <p className="notice" role="status">
          {msg("users.saved")}
        </p>
      ) : null}
      <Members users={users} meId={meId} timezone={timezone} />
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{msg("users.invite.title")}</h2>
        {canInvite ? <InviteForm failure={failure?.intent === "invite" ? failure : undefined} values={failure?.values} /> : <PlanLimit plan={plan} />}
        {invitations.length ? <PendingInvitations invitations={invitations} timezone={timezone} /> : null}
      </section>
    </>
  );
}

/** A one-time link, shown once, for the owner to pass on. */
function OneTimeLink({ id, title, text, link, linkLabel }: { id: "invite-link" | "reset-link"; title: string; text: string; link: string; linkLabel: string }) {
  return (
    <section className="card notice" role="status" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p>{text}</p>
      <input className="copy-link" readOnly value={link} aria-label={linkLabel} data-testid={id} />
    </section>
  );
}

function InvitationLink({ email, link, days }: { email: string; link: string; days: number }) {
  const msg = useMsg();
  return (
    <OneTimeLink
      id="invite-link"
      title={msg("users.invite.created")}
      text={msg("users.invite.text", { email, days })}
      link={link}
      linkLabel={msg("users.invite.linkLabel")}
    />
  );
}

function ResetLink({ email, link, hours }: { email: string; link: string; hours: number }) {
  const msg = useMsg();
  return (
    <OneTimeLink
      id="reset-link"
      title={msg("users.reset.title")}
      text={msg("users.reset.text", { email, hours })}
      link={link}
      linkLabel={msg("users.reset.linkLabel")}
    />
  );
}

function Members({ users, meId, timezone }: { users: Loaded["users"]; meId: string; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{msg("users.members")}</h2>
      <table className="stack">
        <thead>
          <tr>
            <th scope="col">{msg("users.name")}</th>
            <th scope="col">{msg("users.email")}</th>
            <th scope="col">{msg("users.role")}</th>
            <th scope="col">{msg("users.lastLogin")}</th>
            <th scope="col">{msg("users.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-${u.email}`}>
              <td data-label={msg("users.name")}>{u.name}</td>
              <td data-label={msg("users.email")}>{u.email}</td>
              <td data-label={msg("users.role")}>
                <IntentForm intent="role" ids={{ userId: u.id }} className="inline-form">
                  <RoleSelect id={`role-${u.id}`} name="role" value={u.role} label={msg("users.roleOf", { name: u.name })} />
                  <button type="submit" className="secondary small">
                    {msg("users.change")}
                  </button>
                </IntentForm>
              </td>
              <td data-label={msg("users.lastLogin")}>{u.lastLoginAt ? formatDateTime(u.lastLoginAt, locale, timezone) : msg("users.never")}</td>
              <td className="actions" data-label={msg("users.actions")}>
                <IntentForm intent="reset" ids={{ userId: u.id }} className="inline-form">
                  <button type="submit" className="secondary small">
                    {msg("users.passwordLink")}
                  </button>
                </IntentForm>
                {u.id !== meId ? (
                  <details className="confirm">
                    <summary>{msg("users.remove")}</summary>
                    <IntentForm intent="remove" ids={{ userId: u.id }}>
                      <p>{msg("users.remove.confirm", { name: u.name })}</p>
                      <button type="submit" className="danger small">
                        {msg("users.remove.yes")}
                      </button>
                    </IntentForm>
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `values`: what the last failed form of the page sent. */
function InviteForm({ failure, values }: { failure: Failure | undefined; values: Failure["values"] | undefined }) {
  const msg = useMsg();
  const errors = fieldTexts(failure);
  return (
    <Form method="post" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="invite" />
      {failure ? <FormError message={formText(failure)} /> : null}
      <Field id="invite-email" label={msg("users.invite.email")} error={errors.email}>
        {(p) => <input {...p} name="email" type="email" required defaultValue={values?.email} />}
      </Field>
      <Field id="invite-role" label={msg("users.role")} error={errors.role}>
        {(p) => <RoleSelect id={p.id} name="role" value={values?.role} label={msg("users.role")} />}
      </Field>
      <button type="submit">{msg("users.invite.submit")}</button>
    </Form>
  );
}

function PlanLimit({ plan }: { plan: string }) {
  const msg = useMsg();
  return (
    <p data-testid="plan-limit">
      {plan === "FREE" ? msg("accounts.users.freeLimit") : msg("users.planLimit.other")} <a href="/billing">{msg("users.planLimit.billing")}</a>
    </p>
  );
}

function PendingInvitations({ invitations, timezone }: { invitations: Loaded["invitations"]; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <>
      <h3>{msg("users.pending")}</h3>
      <ul className="plain-list">
        {invitations.map((i) => (
          <li key={i.id}>
            {i.email} · {msg(ROLE_LABELS[i.role])} · {msg("users.pending.expires", { date: formatDateTime(i.expiresAt, locale, timezone) })}{" "}
            <IntentForm intent="revoke" ids={{ invitationId: i.id }} className="inline-form">
              <button type="submit" className="secondary small">
                {msg("users.revoke")}
              </button>
            </IntentForm>
          </li>
        ))}
      </ul>
    </>
  );
}
