// A new broadcast (SPEC §14): the audience (labels, practice, doctor, last visit or last contact,
// rating given, or an uploaded list) and a library text chosen in a plain GET form; the preview
// counts who gets it and who is left out and why, shows a real recipient's text and what the whole
// audience costs; the POST schedules it at a date and time in the practice's zone. Owners only:
// a broadcast is marketing on the practice's name. Works without JavaScript.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { broadcastWhatsAppTemplate, listDoctors, listTemplates } from "@rm/accounts";
import { audienceToParams, createBroadcast, listPracticeOptions, parseAudience, previewBroadcast, type Audience, type AudienceErrors } from "@rm/campaigns";
import type { Coded } from "@rm/catalogue";
import { listLabels } from "@rm/contacts";
import { instantToLocalDateTime, localDateTimeToInstant } from "@rm/domain";
import { getEnv } from "../.server/env.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError } from "../components/forms.tsx";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { BROADCAST_EXCLUSIONS } from "@rm/campaigns/filters";
import { formatCount, msgFor, textIn, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

type Channel = "SMS" | "WHATSAPP";

function pricing() {
  const env = getEnv();
  return { MARKETING: env.CREDITS_PER_MARKETING_MESSAGE, UTILITY: env.CREDITS_PER_UTILITY_MESSAGE };
}

/** The page's choices (audience, text, channel) from a query string or a form; another workspace's ids are a 404. */
async function choices(staff: Awaited<ReturnType<typeof requireUser>>, params: URLSearchParams | FormData) {
  const { em, workspace } = staff;
  const [labels, practices, doctors, templates] = await Promise.all([listLabels(em, workspace.id), listPracticeOptions(em, workspace.id), listDoctors(em), listTemplates(em)]);
  const parsed = parseAudience(params);
  const audience: Audience | null = parsed.ok ? parsed.audience : null;
  if (audience) {
    const known = (ids: readonly string[], id: string | undefined) => id === undefined || ids.includes(id);
    if (!audience.labels.every((l) => labels.some((x) => x.id === l))) notFound();
    if (!known(practices.map((p) => p.id), audience.practice) || !known(doctors.map((d) => d.id), audience.doctor)) notFound();
  }
  const broadcastTemplates = templates.filter((t) => t.type === "BROADCAST");
  const templateId = String(params.get("template") ?? "");
  const template = broadcastTemplates.find((t) => t.id === templateId) ?? null;
  if (templateId !== "" && !template) notFound();
  const channel: Channel = params.get("channel") === "WHATSAPP" ? "WHATSAPP" : "SMS";
  return { labels, practices, doctors, broadcastTemplates, template, channel, audience, audienceErrors: parsed.ok ? {} : parsed.errors };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const { em, workspace } = staff;
  const url = new URL(request.url);
  const c = await choices(staff, url.searchParams);
  const msg = msgFor(await getLocale(request));
  const previewed = url.searchParams.get("preview") === "1" && c.audience !== null;
  const practiceName = c.practices.find((p) => p.id === c.audience?.practice)?.name ?? c.practices[0]?.name ?? workspace.name;
  const preview = previewed
    ? await previewBroadcast(em, {
        workspaceId: workspace.id,
        audience: c.audience!,
        text: c.template ? { channel: c.channel, body: c.template.body, category: c.channel === "WHATSAPP" ? (c.template.category === "UTILITY" ? "UTILITY" : "MARKETING") : null } : null,
        practiceName,
        pricing: pricing(),
      })
    : null;
  // A WhatsApp broadcast's missing step is said with the preview, before the owner fills the schedule.
  const whatsapp = previewed && c.template && c.channel === "WHATSAPP" ? await broadcastWhatsAppTemplate(em, workspace.id, c.template.id) : null;
  const soon = instantToLocalDateTime(new Date(Date.now() + 60 * 60_000), workspace.timezone);
  return {
    title: msg("broadcast.new.meta"),
    timezone: workspace.timezone,
    labels: c.labels.map((l) => ({ id: l.id, name: l.name })),
    practices: c.practices,
    doctors: c.doctors.map((d) => ({ id: d.id, name: d.name })),
    templates: c.broadcastTemplates.map((t) => ({ id: t.id, name: t.name ?? t.body.slice(0, 40) })),
    query: Object.fromEntries(url.searchParams),
    labelsChosen: url.searchParams.getAll("labels"),
    audienceErrors: c.audienceErrors as AudienceErrors,
    hidden: c.audience ? [...audienceToParams(c.audience)] : [],
    template: c.template ? { id: c.template.id } : null,
    channel: c.channel,
    preview,
    whatsappRefusal: whatsapp && !whatsapp.ok ? whatsapp.error : null,
    defaults: { date: soon.date, time: soon.time },
  };
}

interface ActionFailure {
  formError: Coded;
  fields: Record<string, Coded>;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const { em, user, workspace, ip } = staff;
  // The page's own query names ids too: another workspace's answer 404 before the form is read.
  await choices(staff, new URL(request.url).searchParams);
  const form = await request.formData();
  const c = await choices(staff, form);
  const fields: Record<string, Coded> = {};
  const name = String(form.get("name") ?? "").trim();
  if (name === "" || name.length > 200) fields.name = { code: "broadcast.error.name", params: {} };
  if (!c.template) fields.template = { code: "broadcast.error.template", params: {} };
  const when = localDateTimeToInstant(String(form.get("date") ?? ""), String(form.get("time") ?? ""), workspace.timezone);
  if (!when) fields.when = { code: "broadcast.error.when", params: {} };
  if (!c.audience) return data<ActionFailure>({ formError: { code: "broadcast.error.filters", params: {} }, fields }, { status: 400 });
  if (Object.keys(fields).length > 0) return data<ActionFailure>({ formError: Object.values(fields)[0]!, fields }, { status: 400 });
  // WhatsApp broadcasts go only from the practice's own sender, never the shared one, and only as
  // the text's template WhatsApp approved there (SPEC §14): refused before anything is written, with
  // the missing step (not connected, shared sender, under review, rejected, paused by WhatsApp).
  const whatsapp = c.channel === "WHATSAPP" ? await broadcastWhatsAppTemplate(em, workspace.id, c.template!.id) : null;
  if (whatsapp && !whatsapp.ok) return data<ActionFailure>({ formError: whatsapp.error, fields: {} }, { status: 400 });
  const practice = c.practices.find((p) => p.id === c.audience!.practice) ?? c.practices[0];
  if (!practice) notFound();
  const result = await em.transactional((tem) =>
    createBroadcast(tem, {
      workspaceId: workspace.id,
      actorId: user.id,
      practiceId: practice.id,
      practiceName: practice.name,
      name,
      audience: c.audience!,
      // WhatsApp: the approved Content SID of the own account, its category's price and its variables' order.
      text:
        whatsapp?.ok === true
          ? { channel: "WHATSAPP", body: c.template!.body, category: whatsapp.category, variables: whatsapp.variables, templateId: c.template!.id, contentSid: whatsapp.contentSid }
          : { channel: "SMS", body: c.template!.body, category: null, templateId: c.template!.id, contentSid: null },
      scheduledAt: when!,
      pricing: pricing(),
      ip,
    }),
  );
  if (!result.ok) return data<ActionFailure>({ formError: result.error, fields: {} }, { status: 409 });
  throw redirect(`/campaigns/${result.campaignId}?notice=broadcast_created`);
}

export default function NewBroadcastPage() {
  const d = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  return (
    <>
      <div className="page-title">
        <h1>{msg("broadcast.new")}</h1>
      </div>
      <p className="muted">{msg("broadcast.new.intro")}</p>
      <AudienceForm />
      {d.preview ? <Preview /> : null}
      {d.preview && d.template && d.preview.eligible > 0 ? <ScheduleForm failure={failure} /> : <FormError message={failure?.formError} />}
    </>
  );
}

function AudienceForm() {
  const d = useLoaderData<typeof loader>();
  const msg = useMsg();
  const q = (k: string) => d.query[k] ?? "";
  const err = (k: keyof AudienceErrors) => (d.audienceErrors[k] ? msg(d.audienceErrors[k]) : undefined);
  return (
    <Form method="get" className="card broadcast-audience" aria-labelledby="audience-title">
      <h2 id="audience-title">{msg("broadcast.audience.title")}</h2>
      <input type="hidden" name="preview" value="1" />
      <fieldset>
        <legend>{msg("broadcast.audience.labels")}</legend>
        {d.labels.length === 0 ? <p className="muted">{msg("broadcast.audience.noLabels")}</p> : null}
        {d.labels.map((l) => (
          <label key={l.id} className="checkbox">
            <input type="checkbox" name="labels" value={l.id} defaultChecked={d.labelsChosen.includes(l.id)} /> {l.name}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <Field id="b-practice" label={msg("broadcast.audience.practice")}>
          {(p) => (
            <select {...p} name="practice" defaultValue={q("practice")}>
              <option value="">{msg("broadcast.audience.any")}</option>
              {d.practices.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="b-doctor" label={msg("broadcast.audience.doctor")}>
          {(p) => (
            <select {...p} name="doctor" defaultValue={q("doctor")}>
              <option value="">{msg("broadcast.audience.any")}</option>
              {d.doctors.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="row">
        {(["visitAfter", "visitBefore", "contactAfter", "contactBefore"] as const).map((k) => (
          <Field key={k} id={`b-${k}`} label={msg(`broadcast.audience.${k}`)} error={err(k)}>
            {(p) => <input {...p} type="date" name={k} defaultValue={q(k)} />}
          </Field>
        ))}
      </div>
      <div className="row">
        {(["ratingMin", "ratingMax"] as const).map((k) => (
          <Field key={k} id={`b-${k}`} label={msg(`broadcast.audience.${k}`)} error={err(k)}>
            {(p) => (
              <select {...p} name={k} defaultValue={q(k)}>
                <option value="">{msg("broadcast.audience.any")}</option>
                {[1, 2, 3, 4, 5].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
      </div>
      <Field id="b-phones" label={msg("broadcast.audience.phones")} error={err("phones")}>
        {(p) => <textarea {...p} name="phones" rows={3} defaultValue={q("phones")} />}
      </Field>
      <h2>{msg("broadcast.message.title")}</h2>
      {d.templates.length === 0 ? (
        <p className="muted">
          {msg("broadcast.message.noTemplates")} <Link to="/templates/drafts">{msg("broadcast.message.draftLink")}</Link>
        </p>
      ) : null}
      <div className="row">
        <Field id="b-template" label={msg("broadcast.message.template")}>
          {(p) => (
            <select {...p} name="template" defaultValue={d.template?.id ?? ""}>
              <option value="">—</option>
              {d.templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="b-channel" label={msg("broadcast.message.channel")} hint={msg("broadcast.message.whatsappNote")}>
          {(p) => (
            <select {...p} name="channel" defaultValue={d.channel}>
              <option value="SMS">SMS</option>
              <option value="WHATSAPP">WhatsApp</option>
            </select>
          )}
        </Field>
      </div>
      <button type="submit">{msg("broadcast.audience.preview")}</button>
    </Form>
  );
}

function Preview() {
  const d = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  const p = d.preview!;
  const n = (v: number) => formatCount(v, locale);
  return (
    <section className="card broadcast-preview" aria-labelledby="preview-title" data-testid="broadcast-preview">
      <h2 id="preview-title">{msg("broadcast.preview.title")}</h2>
      <p>{msg("broadcast.preview.matched", { count: n(p.matched) })}</p>
      <p>
        <strong data-testid="preview-eligible">{msg("broadcast.preview.eligible", { count: n(p.eligible) })}</strong>
      </p>
      {p.invalidPhones > 0 ? <p className="muted">{msg("broadcast.preview.invalidPhones", { count: p.invalidPhones })}</p> : null}
      <div className="table-scroll">
        <table>
          <caption>{msg("broadcast.preview.excludedTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{msg("broadcast.preview.reason")}</th>
              <th scope="col" className="num">
                {msg("broadcast.preview.count")}
              </th>
            </tr>
          </thead>
          <tbody>
            {BROADCAST_EXCLUSIONS.map((r) => (
              <tr key={r} data-testid={`excluded-${r}`}>
                <th scope="row">{r === "FREQUENCY_CAP" ? msg("broadcast.excluded.FREQUENCY_CAP", { cap: p.cap }) : msg(`broadcast.excluded.${r}`)}</th>
                <td className="num">{n(p.excluded[r])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{msg("broadcast.preview.capNote", { cap: p.cap })}</p>
      {d.whatsappRefusal ? (
        <p className="warning-box" data-testid="broadcast-whatsapp-refusal">
          {textIn(d.whatsappRefusal, locale)}
        </p>
      ) : null}
      {p.sample ? (
        <>
          <h3>{msg("broadcast.message.sample", { name: p.sample.name })}</h3>
          <p className="sms-preview">{p.sample.body}</p>
          <p data-testid="broadcast-cost">
            {msg("broadcast.message.cost", { segments: p.segments, encoding: p.encoding === "UCS2" ? "UCS-2" : p.encoding === "GSM7" ? "GSM-7" : "WhatsApp", perMessage: p.creditsPerMessage, total: n(p.totalCredits), recipients: n(p.eligible) })}
          </p>
          <p className="muted">{msg("broadcast.message.balance", { balance: n(p.balance) })}</p>
        </>
      ) : null}
    </section>
  );
}

function ScheduleForm({ failure }: { failure: { formError: Coded; fields: Record<string, Coded> } | undefined }) {
  const d = useLoaderData<typeof loader>();
  const msg = useMsg();
  const fieldError = (k: string) => failure?.fields[k];
  return (
    <Form method="post" className="card broadcast-schedule" aria-labelledby="schedule-title">
      <h2 id="schedule-title">{msg("broadcast.schedule.title")}</h2>
      <FormError message={failure?.formError} />
      <CsrfInput />
      {d.hidden.map(([k, v], i) => (
        <input key={`${k}-${i}`} type="hidden" name={k} value={v} />
      ))}
      <input type="hidden" name="template" value={d.template!.id} />
      <input type="hidden" name="channel" value={d.channel} />
      <Field id="s-name" label={msg("broadcast.schedule.name")} error={fieldError("name")}>
        {(p) => <input {...p} name="name" required maxLength={200} />}
      </Field>
      <div className="row">
        <Field id="s-date" label={msg("broadcast.schedule.date")} error={fieldError("when")}>
          {(p) => <input {...p} type="date" name="date" required defaultValue={d.defaults.date} />}
        </Field>
        <Field id="s-time" label={msg("broadcast.schedule.time", { zone: d.timezone })} hint={msg("broadcast.schedule.quietNote")}>
          {(p) => <input {...p} type="time" name="time" required defaultValue={d.defaults.time} />}
        </Field>
      </div>
      <button type="submit">{msg("broadcast.schedule.submit")}</button>
    </Form>
  );
}
