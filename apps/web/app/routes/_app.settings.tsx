// Ajustes: workspace settings (owners edit, doctors read). Review gating needs an explicit
// confirmation of Google's policy warning, and is audited.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CONTENT_SID_TYPES, listPractices, updateSettings } from "@rm/accounts";
import { useState } from "react";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { actorOf, requireRole, requireUser } from "../.server/staff.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { CsrfInput, Field, FormError, fieldTexts } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg, type Text } from "../i18n.ts";
import { ROLES } from "../nav.ts";
import { TEMPLATE_TYPE_LABELS } from "../template-types.ts";

export const meta: MetaFunction = () => [{ title: "Ajustes · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace: ws, user } = await requireUser(request, context, { roles: ROLES.STAFF });
  const practices = await listPractices(em);
  return {
    canEdit: user.role === "OWNER",
    contentSidTypes: CONTENT_SID_TYPES as string[],
    // What an empty field means: the platform's approved template of that type (Spanish), if any.
    platformContentSids: (platformSending().whatsappContentSids?.es ?? {}) as Record<string, string | undefined>,
    settings: {
      name: ws.name,
      timezone: ws.timezone,
      quietHoursEnabled: ws.quietHoursStart != null && ws.quietHoursEnd != null,
      quietHoursStart: ws.quietHoursStart ?? "20:00",
      quietHoursEnd: ws.quietHoursEnd ?? "08:00",
      contactCooldownDays: ws.contactCooldownDays,
      aiDraftsPerDay: ws.aiDraftsPerDay,
      broadcastCap: ws.broadcastCap,
      defaultChannel: ws.defaultChannel,
      defaultLanguage: ws.defaultLanguage,
      defaultCountry: ws.defaultCountry,
      extraDestinationCountries: (ws.extraDestinationCountries ?? []).join(", "),
      whatsappSender: ws.whatsappSender ?? "",
      smsSender: ws.smsSender ?? "",
      sendingPaused: ws.sendingPaused,
      reviewPolicy: ws.reviewPolicy,
      gatedConfirmedAt: ws.gatedConfirmedAt?.toISOString() ?? null,
      contentSids: ws.whatsappContentSids as Record<string, string | undefined>,
    },
    practices: practices.map((p) => ({ id: p.id, name: p.name, staffAlertPhone: p.staffAlertPhone ?? "" })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  requireRole(staff, ROLES.OWNER);
  const form = await request.formData();
  const input = formObject(form);
  const alerts: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) if (key.startsWith("alert_")) alerts[key.slice("alert_".length)] = value;
  // Only this workspace's practices can be touched (unknown ids are ignored by the scoped query).
  try {
    await updateSettings(staff.em, actorOf(staff), input, alerts);
  } catch (error) {
    return formFailure(error, form);
  }
  throw redirect("/settings?notice=saved");
}

function Checkbox({ name, label, defaultChecked, id }: { name: string; label: string; defaultChecked: boolean; id: string }) {
  return (
    <div className="checkbox">
      <input type="checkbox" id={id} name={name} defaultChecked={defaultChecked} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Settings = Loaded["settings"];

/** The values the fields show: what was just submitted after a refused save, else what is stored. */
interface FormState {
  errors: Record<string, Text>;
  submitted: Record<string, string> | undefined;
  text: (key: keyof Settings) => string;
  checked: (key: "quietHoursEnabled" | "sendingPaused") => boolean;
  /** The workspace's own country, always a destination. */
  ownCountry: string;
}

export default function SettingsPage() {
  const { settings, practices, canEdit, contentSidTypes, platformContentSids } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const v = failure?.values;
  const form: FormState = {
    errors: fieldTexts(failure),
    submitted: v,
    text: (key) => (v ? (v[key] ?? "") : String(settings[key] ?? "")),
    checked: (key) => (v ? v[key] === "on" : settings[key]),
    ownCountry: settings.defaultCountry,
  };
  // Outside the keyed form: the choice survives the form's remount after a save.
  const [policy, setPolicy] = useState(v?.reviewPolicy ?? settings.reviewPolicy);
  return (
    <>
      <h1>{msg("settings.title")}</h1>
      <SettingsNotices canEdit={canEdit} invalid={Object.keys(form.errors).length > 0} />
      {/* Keyed by the saved values: after a save the fields show what is stored (normalised phones…). */}
      <Form method="post" noValidate key={JSON.stringify([settings, practices])}>
        <CsrfInput />
        <fieldset disabled={!canEdit} className="bare">
          <GeneralSection form={form} />
          <SendingSection form={form} />
          <ContentSidsSection form={form} types={contentSidTypes} saved={settings.contentSids} platform={platformContentSids} />
          <StaffAlertsSection form={form} practices={practices} />
          <ReviewPolicySection form={form} settings={settings} policy={policy} onPolicy={setPolicy} />
          {canEdit ? <button type="submit">{msg("settings.save")}</button> : null}
        </fieldset>
      </Form>
      {canEdit ? <OwnSenderLink /> : null}
      {canEdit ? <ApiLinks /> : null}
      {canEdit ? <AssistantLink /> : null}
      {canEdit ? <WidgetLink /> : null}
    </>
  );
}

/** The practice's own Twilio account has its own page (owners only): its forms cannot nest in this one. */
function OwnSenderLink() {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="own-sender-title">
      <h2 id="own-sender-title">{msg("ownSender.title")}</h2>
      <p>
        <Link to="/settings/sender">{msg("ownSender.settingsLink")}</Link>
      </p>
    </section>
  );
}

/** The assistant's switches (SPEC §16) have their own owner-only page. */
function AssistantLink() {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="assistant-settings-title">
      <h2 id="assistant-settings-title">{msg("assistant.settings.title")}</h2>
      <p>
        <Link to="/settings/assistant">{msg("assistant.settings.link")}</Link>
      </p>
    </section>
  );
}

/** The web chat for the practice's website (SPEC §16): snippet, allowed origins and preview on its own page. */
function WidgetLink() {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="widget-settings-title">
      <h2 id="widget-settings-title">{msg("widget.settings.title")}</h2>
      <p>
        <Link to="/settings/widget">{msg("widget.settings.link")}</Link>
      </p>
    </section>
  );
}

/** The API for practice software (SPEC §15): keys, webhooks and the reference, each on its own owner-only page. */
function ApiLinks() {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="api-settings-title">
      <h2 id="api-settings-title">{msg("api.settingsTitle")}</h2>
      <ul>
        <li>
          <Link to="/settings/api">{msg("api.settingsLink.keys")}</Link>
        </li>
        <li>
          <Link to="/settings/webhooks">{msg("api.settingsLink.webhooks")}</Link>
        </li>
        <li>
          <Link to="/settings/api/reference">{msg("api.settingsLink.reference")}</Link>
        </li>
      </ul>
    </section>
  );
}

function SettingsNotices({ canEdit, invalid }: { canEdit: boolean; invalid: boolean }) {
  const [params] = useSearchParams();
  const msg = useMsg();
  return (
    <>
      {params.get("notice") === "saved" ? (
        <p className="notice" role="status">
          {msg("settings.saved")}
        </p>
      ) : null}
      {!canEdit ? <p className="muted">{msg("settings.ownerOnly")}</p> : null}
      {invalid ? <FormError message={msg("settings.checkFields")} /> : null}
    </>
  );
}

function GeneralSection({ form: { errors, text } }: { form: FormState }) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="general-title">
      <h2 id="general-title">{msg("settings.general")}</h2>
      <Field id="name" label={msg("settings.name")} error={errors.name}>
        {(p) => <input {...p} name="name" required maxLength={120} defaultValue={text("name")} />}
      </Field>
      <Field id="timezone" label={msg("settings.timezone")} error={errors.timezone}>
        {(p) => <input {...p} name="timezone" required defaultValue={text("timezone")} />}
      </Field>
    </section>
  );
}

function SendingSection({ form: { errors, text, checked, ownCountry } }: { form: FormState }) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="sending-title">
      <h2 id="sending-title">{msg("settings.sending")}</h2>
      <Checkbox id="sendingPaused" name="sendingPaused" defaultChecked={checked("sendingPaused")} label={msg("settings.pause")} />
      <Checkbox id="quietHoursEnabled" name="quietHoursEnabled" defaultChecked={checked("quietHoursEnabled")} label={msg("settings.quietHours")} />
      <div className="row">
        <Field id="quietHoursStart" label={msg("settings.quietFrom")} error={errors.quietHoursStart}>
          {(p) => <input {...p} name="quietHoursStart" type="time" defaultValue={text("quietHoursStart")} />}
        </Field>
        <Field id="quietHoursEnd" label={msg("settings.quietUntil")} error={errors.quietHoursEnd}>
          {(p) => <input {...p} name="quietHoursEnd" type="time" defaultValue={text("quietHoursEnd")} />}
        </Field>
      </div>
      <Field
        id="contactCooldownDays"
        label={msg("settings.cooldown")}
        error={errors.contactCooldownDays}
      >
        {(p) => <input {...p} name="contactCooldownDays" type="number" min={0} max={365} defaultValue={text("contactCooldownDays")} />}
      </Field>
      <Field id="aiDraftsPerDay" label={msg("aiDrafts.settings.label")} error={errors.aiDraftsPerDay} hint={msg("aiDrafts.settings.hint")}>
        {(p) => <input {...p} name="aiDraftsPerDay" type="number" min={0} max={1000} defaultValue={text("aiDraftsPerDay")} />}
      </Field>
      <Field id="broadcastCap" label={msg("broadcast.settings.cap")} error={errors.broadcastCap} hint={msg("broadcast.settings.capHint")}>
        {(p) => <input {...p} name="broadcastCap" type="number" min={0} max={30} defaultValue={text("broadcastCap")} />}
      </Field>
      <Field id="defaultChannel" label={msg("settings.defaultChannel")} error={errors.defaultChannel}>
        {(p) => (
          <select {...p} name="defaultChannel" defaultValue={text("defaultChannel")}>
            <option value="WHATSAPP">WhatsApp</option>
            <option value="SMS">SMS</option>
          </select>
        )}
      </Field>
      <Field id="defaultLanguage" label={msg("settings.patientLanguage.label")} error={errors.defaultLanguage} hint={msg("settings.patientLanguage.hint")}>
        {(p) => (
          <select {...p} name="defaultLanguage" defaultValue={text("defaultLanguage")}>
            <option value="es">Español</option>
            <option value="en">English</option>
          </select>
        )}
      </Field>
      <Field
        id="extraDestinationCountries"
        label={msg("settings.destinations.label")}
        error={errors.extraDestinationCountries}
        hint={msg("settings.destinations.hint", { own: ownCountry })}
      >
        {(p) => <input {...p} name="extraDestinationCountries" defaultValue={text("extraDestinationCountries")} placeholder="CO, PE" autoComplete="off" />}
      </Field>
      <Field id="whatsappSender" label={msg("settings.whatsappSender")} error={errors.whatsappSender} hint={msg("settings.senderHint")}>
        {(p) => <input {...p} name="whatsappSender" defaultValue={text("whatsappSender")} placeholder="+593…" />}
      </Field>
      <Field id="smsSender" label={msg("settings.smsSender")} error={errors.smsSender} hint={msg("settings.senderHint")}>
        {(p) => <input {...p} name="smsSender" defaultValue={text("smsSender")} placeholder="+593… / MG…" />}
      </Field>
    </section>
  );
}

/** The workspace's own approved templates; an empty field says which of the platform's applies. */
function ContentSidsSection({ form: { errors, submitted }, types, saved, platform }: { form: FormState; types: string[]; saved: Record<string, string | undefined>; platform: Record<string, string | undefined> }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="sids-title">
      <h2 id="sids-title">{msg("settings.contentSids")}</h2>
      {types.map((type) => (
        <Field
          key={type}
          id={`contentSid_${type}`}
          label={TEMPLATE_TYPE_LABELS[type]?.[locale] ?? type}
          error={errors[`contentSid_${type}`]}
          hint={platform[type] ? msg("sending.settings.platformTemplate", { sid: platform[type] }) : msg("sending.settings.noTemplate")}
        >
          {(p) => <input {...p} name={`contentSid_${type}`} defaultValue={submitted ? (submitted[`contentSid_${type}`] ?? "") : (saved[type] ?? "")} placeholder="HX…" />}
        </Field>
      ))}
    </section>
  );
}

function StaffAlertsSection({ form: { errors, submitted }, practices }: { form: FormState; practices: Loaded["practices"] }) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{msg("settings.alerts")}</h2>
      {practices.length === 0 ? (
        <p>
          {msg("settings.alerts.none")} <Link to="/practices/new">{msg("settings.alerts.add")}</Link>
        </p>
      ) : (
        practices.map((p) => (
          <Field key={p.id} id={`alert_${p.id}`} label={msg("settings.alerts.phone", { practice: p.name })} error={errors[`alert_${p.id}`]}>
            {(props) => <input {...props} name={`alert_${p.id}`} type="tel" defaultValue={submitted ? (submitted[`alert_${p.id}`] ?? "") : p.staffAlertPhone} />}
          </Field>
        ))
      )}
    </section>
  );
}

/** Open or gated; gating needs Google's warning confirmed (shown at once with JavaScript, always without). */
function ReviewPolicySection({
  form: { errors },
  settings,
  policy,
  onPolicy,
}: {
  form: FormState;
  settings: Settings;
  policy: string;
  onPolicy: (policy: string) => void;
}) {
  const msg = useMsg();
  const locale = useLocale();
  const switchingToGated = policy === "gated" && settings.reviewPolicy !== "gated";
  return (
    <section className="card" aria-labelledby="policy-title">
      <h2 id="policy-title">{msg("settings.policy")}</h2>
      <Field id="reviewPolicy" label={msg("settings.policy.label")} error={errors.reviewPolicy}>
        {(p) => (
          <select {...p} name="reviewPolicy" value={policy} onChange={(e) => onPolicy(e.target.value)}>
            <option value="open">{msg("settings.policy.open")}</option>
            <option value="gated">{msg("settings.policy.gated")}</option>
          </select>
        )}
      </Field>
      {settings.reviewPolicy === "gated" && settings.gatedConfirmedAt ? (
        <p className="muted">
          {msg("settings.policy.confirmedOn", { date: formatDateTime(settings.gatedConfirmedAt, locale, settings.timezone) })}
        </p>
      ) : null}
      {/* Shown whenever gating is chosen (with JavaScript) or always when the page runs without it. */}
      <div className={`warning-box ${switchingToGated || errors.reviewPolicy ? "" : "js-hidden"}`} data-testid="gated-warning" role="note">
        <p>
          <strong>{msg("settings.policy.warning")}</strong> {msg("settings.policy.warningText")}
        </p>
        <div className="checkbox">
          <input type="checkbox" id="confirmGated" name="confirmGated" aria-describedby={errors.reviewPolicy ? "reviewPolicy-error" : undefined} />
          <label htmlFor="confirmGated">{msg("settings.policy.confirm")}</label>
        </div>
      </div>
    </section>
  );
}
