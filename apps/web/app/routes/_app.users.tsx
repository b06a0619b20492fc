// Usuarios (owners only): members and their roles, invitations by link, one-time password reset
// links. FREE allows one user; the last owner cannot be demoted or removed.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { changeRole, findInvitationById, findUser, INVITATION_TTL_DAYS, inviteUser, issuePasswordReset, listOpenInvitations, listUsers, removeUser, RESET_TTL_HOURS, revokeInvitation } from "@rm/accounts";
import { canAddUser, isPlan } from "@rm/domain";
import type { ReactNode } from "react";
import { getEnv } from "../.server/env.server.ts";
import { formFailure, str } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
import { formatDateTime, useLocale, useT } from "../i18n.ts";
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
        throw data({ error: "Acción desconocida." }, { status: 400 });
    }
  } catch (error) {
    return formFailure(error, form, intent);
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Result = ReturnType<typeof useActionData<typeof action>>;
type Failure = Extract<NonNullable<Result>, { ok: false }>;

function RoleSelect({ id, name, value, label }: { id: string; name: string; value?: string; label: string }) {
  const locale = useLocale();
  return (
    <select id={id} name={name} defaultValue={value ?? "DOCTOR"} aria-label={label}>
      {(["OWNER", "DOCTOR", "RECEPTIONIST"] as const).map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r][locale]}
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
  const t = useT();
  const failure = result && !result.ok ? result : undefined;
  const success = result && result.ok ? result : undefined;
  return (
    <>
      <h1>{t("Usuarios", "Users")}</h1>
      {failure && (failure.intent !== "invite" || failure.formError) ? <FormError message={failure.formError ?? Object.values(failure.fieldErrors)[0]} /> : null}
      {success?.intent === "invite" ? <InvitationLink email={success.email} link={success.link} days={inviteDays} /> : null}
      {success?.intent === "reset" ? <ResetLink email={success.email} link={success.link} hours={resetHours} /> : null}
      {success && (success.intent === "role" || success.intent === "remove" || success.intent === "revoke") ? (
        <p className="notice" role="status">
          {t("Cambios guardados.", "Changes saved.")}
        </p>
      ) : null}
      <Members users={users} meId={meId} timezone={timezone} />
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t("Invitar a un usuario", "Invite a user")}</h2>
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
  const t = useT();
  return (
    <OneTimeLink
      id="invite-link"
      title={t("Invitación creada", "Invitation created")}
      text={t(
        `Envíe este enlace a ${email} (por WhatsApp o como prefiera). Funciona una vez y vence en ${days} días. No lo volveremos a mostrar.`,
        `Send this link to ${email} (by WhatsApp or however you like). It works once and expires in ${days} days. It will not be shown again.`,
      )}
      link={link}
      linkLabel={t("Enlace de invitación", "Invitation link")}
    />
  );
}

function ResetLink({ email, link, hours }: { email: string; link: string; hours: number }) {
  const t = useT();
  return (
    <OneTimeLink
      id="reset-link"
      title={t("Enlace para restablecer la contraseña", "Password reset link")}
      text={t(`Entregue este enlace a ${email}. Funciona una vez y vence en ${hours} horas.`, `Give this link to ${email}. It works once and expires in ${hours} hours.`)}
      link={link}
      linkLabel={t("Enlace para restablecer", "Reset link")}
    />
  );
}

function Members({ users, meId, timezone }: { users: Loaded["users"]; meId: string; timezone: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t("Miembros", "Members")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("Nombre", "Name")}</th>
            <th scope="col">{t("Correo", "Email")}</th>
            <th scope="col">{t("Rol", "Role")}</th>
            <th scope="col">{t("Último ingreso", "Last sign-in")}</th>
            <th scope="col">{t("Acciones", "Actions")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-${u.email}`}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <IntentForm intent="role" ids={{ userId: u.id }} className="inline-form">
                  <RoleSelect id={`role-${u.id}`} name="role" value={u.role} label={t(`Rol de ${u.name}`, `Role of ${u.name}`)} />
                  <button type="submit" className="secondary small">
                    {t("Cambiar", "Change")}
                  </button>
                </IntentForm>
              </td>
              <td>{u.lastLoginAt ? formatDateTime(u.lastLoginAt, locale, timezone) : t("Nunca", "Never")}</td>
              <td className="actions">
                <IntentForm intent="reset" ids={{ userId: u.id }} className="inline-form">
                  <button type="submit" className="secondary small">
                    {t("Enlace de contraseña", "Password link")}
                  </button>
                </IntentForm>
                {u.id !== meId ? (
                  <details className="confirm">
                    <summary>{t("Quitar…", "Remove…")}</summary>
                    <IntentForm intent="remove" ids={{ userId: u.id }}>
                      <p>{t(`¿Quitar a ${u.name} del espacio de trabajo?`, `Remove ${u.name} from the workspace?`)}</p>
                      <button type="submit" className="danger small">
                        {t("Sí, quitar", "Yes, remove")}
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
  const t = useT();
  const errors = failure?.fieldErrors ?? {};
  return (
    <Form method="post" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="invite" />
      {failure ? <FormError message={failure.formError} /> : null}
      <Field id="invite-email" label={t("Correo electrónico", "Email")} error={errors.email}>
        {(p) => <input {...p} name="email" type="email" required defaultValue={values?.email} />}
      </Field>
      <Field id="invite-role" label={t("Rol", "Role")} error={errors.role}>
        {(p) => <RoleSelect id={p.id} name="role" value={values?.role} label={t("Rol", "Role")} />}
      </Field>
      <button type="submit">{t("Crear enlace de invitación", "Create invitation link")}</button>
    </Form>
  );
}

function PlanLimit({ plan }: { plan: string }) {
  const t = useT();
  return (
    <p data-testid="plan-limit">
      {plan === "FREE"
        ? t(
            "El plan FREE permite un solo usuario. Mejore su plan en Facturación para invitar a más personas.",
            "The FREE plan allows one user. Upgrade your plan in Billing to invite more people.",
          )
        : t("Su plan no permite más usuarios.", "Your plan allows no more users.")}{" "}
      <a href="/billing">{t("Ir a Facturación", "Go to Billing")}</a>
    </p>
  );
}

function PendingInvitations({ invitations, timezone }: { invitations: Loaded["invitations"]; timezone: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h3>{t("Invitaciones pendientes", "Pending invitations")}</h3>
      <ul className="plain-list">
        {invitations.map((i) => (
          <li key={i.id}>
            {i.email} · {ROLE_LABELS[i.role][locale]} · {t("vence", "expires")} {formatDateTime(i.expiresAt, locale, timezone)}{" "}
            <IntentForm intent="revoke" ids={{ invitationId: i.id }} className="inline-form">
              <button type="submit" className="secondary small">
                {t("Anular", "Revoke")}
              </button>
            </IntentForm>
          </li>
        ))}
      </ul>
    </>
  );
}
