// Consultorios › Conocimiento (owners only, SPEC §16): the facts automatic answers are made of — hours
// with holidays and doctors' days, address and map, services and prices, insurance, payment, parking,
// questions and answers, and the away message's interval. One plain form (no JavaScript needed); a wrong
// field is marked and nothing is saved; each save is audited by @rm/assistant. Another workspace's
// practice answers 404.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { findPractice } from "@rm/accounts";
import { knowledgeToForm, loadKnowledge, parseKnowledgeForm, saveKnowledge, type KnowledgeFieldError } from "@rm/assistant/knowledge";
import type { Msg } from "@rm/catalogue";
import { formObject } from "../.server/forms.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, Notice } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Conocimiento · Reputation Manager" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { em } = await requireUser(request, context, { roles: ROLES.OWNER });
  const practice = (await findPractice(em, params.id)) ?? notFound();
  const { knowledge } = await loadKnowledge(em, practice);
  return { practice: { id: practice.id, name: practice.name }, values: knowledgeToForm(knowledge) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const practice = (await findPractice(staff.em, params.id)) ?? notFound();
  const values = formObject(await request.formData());
  delete values._csrf;
  const parsed = parseKnowledgeForm(values, practice.timezone);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  await saveKnowledge(staff.em, { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip }, practice, parsed.knowledge);
  throw redirect(`/practices/${practice.id}/knowledge?notice=saved`);
}

function errorText(msg: Msg, e: KnowledgeFieldError | undefined): string | undefined {
  if (!e) return undefined;
  switch (e.code) {
    case "assistant.error.interval":
      return msg(e.code, e.params);
    case "assistant.error.date":
      return msg(e.code, e.params);
    case "assistant.error.line":
      return msg(e.code, e.params);
    default:
      return msg(e.code);
  }
}

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const OTHER = [
  ["booking", "assistant.field.booking"],
  ["payment", "assistant.field.payment"],
  ["parking", "assistant.field.parking"],
] as const;

export default function KnowledgePage() {
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const [params] = useSearchParams();
  const values: Record<string, string> = failure?.values ?? loaded.values;
  const errors: Record<string, KnowledgeFieldError> = failure?.errors ?? {};
  const err = (name: string) => errorText(msg, errors[name]);

  const input = (name: string, label: string, type = "text") => (
    <Field id={name} label={label} error={err(name)}>
      {(props) => <input {...props} name={name} type={type} defaultValue={values[name] ?? ""} />}
    </Field>
  );
  const area = (name: string, label: string, hint?: string, rows = 3) => (
    <Field id={name} label={label} error={err(name)} hint={hint}>
      {(props) => <textarea {...props} name={name} rows={rows} defaultValue={values[name] ?? ""} />}
    </Field>
  );
  // The same text in Spanish and English, labelled by what it is ("Parqueadero (inglés)").
  const pair = (name: string, field: string) => (
    <>
      {area(`${name}.es`, msg("assistant.field.inSpanish", { field }))}
      {area(`${name}.en`, msg("assistant.field.inEnglish", { field }))}
    </>
  );

  return (
    <>
      <p>
        <Link to={`/practices/${loaded.practice.id}`}>{msg("assistant.page.back")}</Link>
      </p>
      <h1>{msg("assistant.page.title", { practice: loaded.practice.name })}</h1>
      <p>{msg("assistant.page.intro")}</p>
      <p className="hint">{msg("assistant.field.bilingualHint")}</p>
      <Notice message={params.get("notice") === "saved" && !failure ? msg("assistant.page.saved") : undefined} />
      <FormError message={failure ? msg("assistant.page.invalid") : undefined} />
      <Form method="post" className="card knowledge-form">
        <CsrfInput />
        <h2>{msg("assistant.section.hours")}</h2>
        <p className="hint">{msg("assistant.field.dayHint")}</p>
        {DAYS.map((day) => (
          <div key={day}>{input(`hours.${day}`, msg("assistant.field.day", { day }))}</div>
        ))}
        {area("holidays", msg("assistant.field.holidays"))}
        {area("doctors", msg("assistant.field.doctors"), msg("assistant.field.doctorsHint"))}
        {pair("hoursNote", msg("assistant.field.hoursNote"))}

        <h2>{msg("assistant.section.location")}</h2>
        {input("address", msg("assistant.field.address"))}
        {input("mapUrl", msg("assistant.field.mapUrl"), "url")}
        {pair("locationNote", msg("assistant.field.locationNote"))}

        <h2>{msg("assistant.section.services")}</h2>
        {area("services", msg("assistant.field.services"), msg("assistant.field.servicesHint"), 8)}
        {pair("priceNote", msg("assistant.field.priceNote"))}

        <h2>{msg("assistant.section.insurance")}</h2>
        {input("insurers", msg("assistant.field.insurers"))}
        {pair("insurance", msg("assistant.field.insurance"))}

        <h2>{msg("assistant.section.other")}</h2>
        {OTHER.map(([name, title]) => (
          <div key={name}>{pair(name, msg(title))}</div>
        ))}

        <h2>{msg("assistant.section.faqs")}</h2>
        {area("faqs", msg("assistant.field.faqs"), msg("assistant.field.faqsHint"), 8)}

        <h2>{msg("assistant.section.away")}</h2>
        {input("awayIntervalHours", msg("assistant.field.awayHours"), "number")}

        <button type="submit">{msg("assistant.page.save")}</button>
      </Form>
    </>
  );
}
