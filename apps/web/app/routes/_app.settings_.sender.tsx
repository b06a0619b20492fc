// Ajustes › Número propio (owners only, SPEC §12): connect the practice's own Twilio account (or a
// subaccount the platform creates), choose one of its numbers or Messaging Services — the app sets
// its webhooks through the API — and disconnect. The auth token is never shown again nor echoed back
// in a refused form; every change is audited in @rm/accounts.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  AccountsError,
  chooseOwnSender,
  connectOwnAccount,
  createOwnSubaccount,
  disconnectOwnAccount,
  listAccountSenders,
  listTemplates,
  ownSenderSummary,
  ownWhatsAppReadiness,
  switchOwnWhatsApp,
  type AccountSenders,
} from "@rm/accounts";
import { str } from "../.server/forms.server.ts";
import { ownSenderDeps } from "../.server/own-sender.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, Notice } from "../components/forms.tsx";
import { useLocale, useMsg } from "../i18n.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Número propio · Reputation Manager" }];

/** AccountsError codes of @rm/accounts' own-sender → their catalogue texts. */
const ERRORS = {
  "own_sender.refused": "ownSender.error.refused",
  "own_sender.unreachable": "ownSender.error.unreachable",
  "own_sender.inactive": "ownSender.error.inactive",
  "own_sender.sid_format": "ownSender.error.sidFormat",
  "own_sender.token_format": "ownSender.error.tokenFormat",
  "own_sender.platform": "ownSender.error.platform",
  "own_sender.taken": "ownSender.error.taken",
  "own_sender.not_connected": "ownSender.error.notConnected",
  "own_sender.sender_unknown": "ownSender.error.senderUnknown",
  "own_sender.subaccounts_off": "ownSender.error.subaccountsOff",
  "whatsapp_switch.no_sender": "whatsappSwitch.blocked.noSender",
  "whatsapp_switch.not_approved": "whatsappSwitch.blocked.templates",
} as const;
type ErrorText = (typeof ERRORS)[keyof typeof ERRORS];
const errorText = (code: string): ErrorText => (ERRORS as Record<string, ErrorText>)[code] ?? "ownSender.error.unreachable";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const deps = ownSenderDeps();
  if (!deps) return { configured: false as const };
  const summary = await ownSenderSummary(em, workspace.id);
  let senders: AccountSenders | null = null;
  let sendersError: ErrorText | null = null;
  let whatsapp: (Awaited<ReturnType<typeof ownWhatsAppReadiness>> & { editors: Record<string, string> }) | null = null;
  if (summary) {
    // Where the switch to the own WhatsApp sender stands, with a link to each template's editor.
    const readiness = await ownWhatsAppReadiness(em, workspace.id);
    const templates = await listTemplates(em);
    const editors = Object.fromEntries(
      readiness.required.flatMap((r) => {
        const t = templates.find((x) => x.type === r.type && x.language === readiness.language && x.isDefault) ?? templates.find((x) => x.type === r.type);
        return t ? [[r.type, t.id]] : [];
      }),
    );
    whatsapp = { ...readiness, editors };
    try {
      senders = await listAccountSenders(em, deps, workspace.id);
    } catch (err) {
      if (!(err instanceof AccountsError)) throw err;
      sendersError = errorText(err.code);
    }
  }
  return {
    configured: true as const,
    subaccounts: deps.subaccounts,
    graceHours: deps.graceHours,
    workspaceName: workspace.name,
    summary: summary && { ...summary, connectedAt: summary.connectedAt.toISOString() },
    senders,
    sendersError,
    whatsapp,
  };
}

interface Failure {
  intent: string;
  field: string | null;
  error: ErrorText;
  /** What was typed, except the token: a refused form never sends it back. */
  accountSid: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const deps = ownSenderDeps();
  if (!deps) throw data({ error: "not configured" }, { status: 404 });
  const form = await request.formData();
  const intent = str(form, "intent");
  const actor = { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip };
  try {
    switch (intent) {
      case "connect":
        await connectOwnAccount(staff.em, deps, actor, { accountSid: str(form, "accountSid"), authToken: str(form, "authToken") });
        throw redirect("/settings/sender?notice=connected");
      case "subaccount":
        if (!deps.subaccounts) throw new AccountsError("own_sender.subaccounts_off", "subaccounts are not configured");
        await createOwnSubaccount(staff.em, deps, actor, str(form, "friendlyName").trim() || staff.workspace.name);
        throw redirect("/settings/sender?notice=connected");
      case "choose":
        await chooseOwnSender(staff.em, deps, actor, str(form, "sender"));
        throw redirect("/settings/sender?notice=chosen");
      case "whatsapp-on":
        await switchOwnWhatsApp(staff.em, actor, true);
        throw redirect("/settings/sender?notice=whatsappOn");
      case "whatsapp-off":
        await switchOwnWhatsApp(staff.em, actor, false);
        throw redirect("/settings/sender?notice=whatsappOff");
      case "disconnect": {
        const { notCleared } = await disconnectOwnAccount(staff.em, deps, actor);
        throw redirect(notCleared ? `/settings/sender?notice=disconnectedUncleared&sender=${encodeURIComponent(notCleared)}` : "/settings/sender?notice=disconnected");
      }
      default:
        throw data({ error: "unknown intent" }, { status: 400 });
    }
  } catch (err) {
    if (!(err instanceof AccountsError)) throw err;
    const failure: Failure = { intent, field: err.field ?? null, error: errorText(err.code), accountSid: str(form, "accountSid") };
    return data(failure, { status: err.code === "own_sender.taken" ? 409 : 400 });
  }
}

const NOTICES = {
  connected: "ownSender.notice.connected",
  chosen: "ownSender.notice.chosen",
  disconnected: "ownSender.notice.disconnected",
  whatsappOn: "whatsappSwitch.notice.on",
  whatsappOff: "whatsappSwitch.notice.off",
} as const;

export default function OwnSenderPage() {
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const [params] = useSearchParams();
  const notice = (NOTICES as Record<string, (typeof NOTICES)[keyof typeof NOTICES] | undefined>)[params.get("notice") ?? ""];
  // The sender whose URLs could not be cleared at disconnection (a number or an MG sid, shown as text).
  const uncleared = params.get("notice") === "disconnectedUncleared" ? (params.get("sender") ?? "").slice(0, 40) : null;
  return (
    <>
      <p>
        <Link to="/settings">{msg("ownSender.back")}</Link>
      </p>
      <h1>{msg("ownSender.title")}</h1>
      <p>{msg("ownSender.intro")}</p>
      <p className="hint" data-testid="own-sender-credits">{msg("ownSender.credits")}</p>
      <Notice message={uncleared !== null ? msg("ownSender.notice.disconnectedUncleared", { sender: uncleared }) : notice ? msg(notice) : undefined} />
      {!loaded.configured ? (
        <p className="muted">{msg("ownSender.notConfigured")}</p>
      ) : (
        <>
          {loaded.summary ? <ConnectedSection loaded={loaded} failure={failure} /> : null}
          {loaded.whatsapp ? <WhatsAppSwitchSection whatsapp={loaded.whatsapp} failure={failure} /> : null}
          <ConnectSection replacing={Boolean(loaded.summary)} graceHours={loaded.graceHours} failure={failure} />
          {!loaded.summary && loaded.subaccounts ? <SubaccountSection workspaceName={loaded.workspaceName} failure={failure} /> : null}
        </>
      )}
    </>
  );
}

type Configured = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { configured: true }>;
type ActionFailure = ReturnType<typeof useActionData<typeof action>>;

function ConnectedSection({ loaded, failure }: { loaded: Configured; failure: ActionFailure }) {
  const msg = useMsg();
  const summary = loaded.summary!;
  const current = summary.phoneNumber ?? summary.messagingServiceSid;
  const chooseError = failure?.intent === "choose" ? msg(failure.error) : undefined;
  return (
    <section className="card provider-ids" aria-labelledby="own-connected-title">
      <h2 id="own-connected-title">{msg("ownSender.senders.title")}</h2>
      <p>{msg("ownSender.connected", { sid: summary.accountSid, last4: summary.tokenLast4, kind: summary.kind })}</p>
      <p>{current ? msg("ownSender.sender.current", { sender: current }) : msg("ownSender.sender.none")}</p>
      {loaded.sendersError ? <FormError message={msg(loaded.sendersError)} /> : null}
      {loaded.senders && loaded.senders.numbers.length + loaded.senders.services.length === 0 ? <p>{msg("ownSender.senders.none")}</p> : null}
      {loaded.senders && loaded.senders.numbers.length + loaded.senders.services.length > 0 ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="choose" />
          <fieldset>
            <legend>{msg("ownSender.senders.legend")}</legend>
            {loaded.senders.numbers.map((n) => (
              <div className="checkbox" key={n.sid}>
                <input type="radio" id={`sender-${n.sid}`} name="sender" value={n.sid} defaultChecked={summary.phoneNumber === n.phoneNumber} required />
                <label htmlFor={`sender-${n.sid}`}>{msg("ownSender.senders.number", { phone: n.phoneNumber })}</label>
              </div>
            ))}
            {loaded.senders.services.map((s) => (
              <div className="checkbox" key={s.sid}>
                <input type="radio" id={`sender-${s.sid}`} name="sender" value={s.sid} defaultChecked={summary.messagingServiceSid === s.sid} required />
                <label htmlFor={`sender-${s.sid}`}>{msg("ownSender.senders.service", { name: s.friendlyName, sid: s.sid })}</label>
              </div>
            ))}
          </fieldset>
          <p className="hint">{msg("ownSender.senders.hint")}</p>
          <FormError message={chooseError} />
          <button type="submit">{msg("ownSender.senders.submit")}</button>
        </Form>
      ) : null}
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="disconnect" />
        <p className="hint">{msg("ownSender.disconnect.hint")}</p>
        <button type="submit" className="secondary">
          {msg("ownSender.disconnect.submit")}
        </button>
      </Form>
    </section>
  );
}

function ConnectSection({ replacing, graceHours, failure }: { replacing: boolean; graceHours: number; failure: ActionFailure }) {
  const msg = useMsg();
  const mine = failure?.intent === "connect" ? failure : undefined;
  const fieldError = (field: string) => (mine && mine.field === field ? msg(mine.error) : undefined);
  return (
    <section className="card provider-ids" aria-labelledby="own-connect-title">
      <h2 id="own-connect-title">{replacing ? msg("ownSender.connect.replaceTitle") : msg("ownSender.connect.title")}</h2>
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value="connect" />
        {mine && !mine.field ? <FormError message={msg(mine.error)} /> : null}
        <Field id="accountSid" label={msg("ownSender.field.accountSid")} error={fieldError("accountSid")} hint={msg("ownSender.field.accountSid.hint")}>
          {(p) => <input {...p} name="accountSid" required autoComplete="off" spellCheck={false} defaultValue={mine?.accountSid ?? ""} placeholder="AC…" />}
        </Field>
        <Field id="authToken" label={msg("ownSender.field.authToken")} error={fieldError("authToken")} hint={msg("ownSender.field.authToken.hint", { hours: graceHours })}>
          {(p) => <input {...p} name="authToken" type="password" required autoComplete="off" />}
        </Field>
        <button type="submit">{msg("ownSender.connect.submit")}</button>
      </Form>
    </section>
  );
}

function SubaccountSection({ workspaceName, failure }: { workspaceName: string; failure: ActionFailure }) {
  const msg = useMsg();
  const mine = failure?.intent === "subaccount" ? failure : undefined;
  return (
    <section className="card" aria-labelledby="own-sub-title">
      <h2 id="own-sub-title">{msg("ownSender.subaccount.title")}</h2>
      <p className="hint">{msg("ownSender.subaccount.hint")}</p>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="subaccount" />
        {mine ? <FormError message={msg(mine.error)} /> : null}
        <Field id="friendlyName" label={msg("ownSender.subaccount.name")}>
          {(p) => <input {...p} name="friendlyName" maxLength={64} defaultValue={workspaceName} />}
        </Field>
        <button type="submit">{msg("ownSender.subaccount.submit")}</button>
      </Form>
    </section>
  );
}

const WA_STATUS = {
  NONE: "whatsappTemplate.status.NONE",
  DRAFT: "whatsappTemplate.status.DRAFT",
  PENDING: "whatsappTemplate.status.PENDING",
  APPROVED: "whatsappTemplate.status.APPROVED",
  REJECTED: "whatsappTemplate.status.REJECTED",
} as const;

/** The switch to the own WhatsApp sender, blocked with the reason until the flow's templates are approved. */
function WhatsAppSwitchSection({ whatsapp, failure }: { whatsapp: NonNullable<Configured["whatsapp"]>; failure: ActionFailure }) {
  const msg = useMsg();
  const locale = useLocale();
  const error = failure?.intent === "whatsapp-on" ? msg(failure.error) : undefined;
  return (
    <section className="card" aria-labelledby="own-wa-switch-title" data-testid="own-whatsapp-switch">
      <h2 id="own-wa-switch-title">{msg("whatsappSwitch.title")}</h2>
      <p>{whatsapp.switched ? msg("whatsappSwitch.on") : msg("whatsappSwitch.off")}</p>
      {!whatsapp.switched && !whatsapp.senderChosen ? <p data-testid="own-whatsapp-blocked">{msg("whatsappSwitch.blocked.noSender")}</p> : null}
      {!whatsapp.switched && whatsapp.senderChosen && !whatsapp.ready ? <p data-testid="own-whatsapp-blocked">{msg("whatsappSwitch.blocked.templates")}</p> : null}
      <ul>
        {whatsapp.required.map((r) => {
          const label = TEMPLATE_TYPE_LABELS[r.type];
          const editor = whatsapp.editors[r.type];
          return (
            <li key={r.type}>
              {msg("whatsappSwitch.template", { type: label ? label[locale] : r.type, status: msg(WA_STATUS[r.status ?? "NONE"]) })}
              {r.status === "REJECTED" && r.rejectionReason ? <> — {msg("whatsappTemplate.rejectionReason", { reason: r.rejectionReason })}</> : null}
              {editor ? (
                <>
                  {" "}
                  <Link to={`/templates/${editor}`}>{msg("whatsappSwitch.edit")}</Link>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
      <FormError message={error} />
      <Form method="post">
        <CsrfInput />
        {whatsapp.switched ? (
          <button type="submit" name="intent" value="whatsapp-off" className="secondary">
            {msg("whatsappSwitch.back")}
          </button>
        ) : (
          <button type="submit" name="intent" value="whatsapp-on" disabled={!whatsapp.ready} aria-describedby={whatsapp.ready ? undefined : "own-wa-switch-title"}>
            {msg("whatsappSwitch.submit")}
          </button>
        )}
      </Form>
    </section>
  );
}
