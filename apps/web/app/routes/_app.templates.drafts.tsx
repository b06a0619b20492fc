// "Redactar con IA" (SPEC §14): objective, tone, length, key points and language → three drafts from
// the configured OpenAI-compatible endpoint, each checked like any template (variables, SMS
// segments, procedure names); the one the user edits is saved as a new broadcast template. One form
// holds the brief and the drafts, so every answer — a provider error, a refused save — keeps all of
// it, and every step works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { aiBriefSchema, aiDraftAllowance, AccountsError, analyzeTemplate, createBroadcastTemplate, findLibraryEntry, requestAiDrafts, ValidationError } from "@rm/accounts";
import type { MessageCode, Msg } from "@rm/catalogue";
import { aiClient } from "../.server/ai.server.ts";
import { logger } from "../.server/logger.server.ts";
import { str } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, Notice } from "../components/forms.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Redactar con IA · Reputation Manager" }];

const TONES = ["cercano", "formal", "alegre", "sobrio"] as const;
const LENGTHS = ["corto", "medio", "largo"] as const;
const LANGUAGES = ["es", "en"] as const;
const DRAFTS = 3;

/** A catalogue text chosen on the server, shown in the reader's language. */
interface Said {
  code: MessageCode;
  params?: Record<string, string | number>;
}
const say = (msg: Msg, s: Said | undefined): string | undefined => (s ? (msg as (c: MessageCode, p?: Record<string, string | number>) => string)(s.code, s.params) : undefined);

interface Brief {
  objective: string;
  tone: string;
  length: string;
  language: string;
  keyPoints: string;
}

interface DraftView {
  name: string;
  text: string;
  segments: number;
  encoding: string;
  characters: number;
  unknownVariables: string[];
  procedureMentions: string[];
  /** Says how to stop the messages (BAJA / STOP), as an SMS broadcast must. */
  optOutLine: boolean;
}

interface Answer {
  brief: Brief;
  drafts: DraftView[] | null;
  formError?: Said;
  fieldErrors: Record<string, Said>;
  used?: number;
}

function viewOf(name: string, text: string): DraftView {
  const a = analyzeTemplate(text);
  return { name, text, segments: a.segments, encoding: a.encoding === "GSM7" ? "GSM-7" : "UCS-2", characters: a.characters, unknownVariables: a.unknownVariables, procedureMentions: a.procedureMentions, optOutLine: /\b(BAJA|STOP)\b/i.test(text) };
}

function briefOf(form: FormData): Brief {
  return { objective: str(form, "objective"), tone: str(form, "tone") || "cercano", length: str(form, "length") || "corto", language: str(form, "language") || "es", keyPoints: str(form, "keyPoints") };
}

/** The drafts the form carries (after a first answer), as edited. */
function draftsOf(form: FormData): DraftView[] | null {
  if (!form.has("draft0")) return null;
  return Array.from({ length: DRAFTS }, (_, i) => viewOf(str(form, `name${i}`), str(form, `draft${i}`)));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const savedId = new URL(request.url).searchParams.get("saved");
  // A saved library entry of this workspace only: another workspace's id is a 404 like everywhere.
  const saved = savedId ? ((await findLibraryEntry(staff.em, savedId)) ?? notFound()) : null;
  const allowance = await aiDraftAllowance(staff.em, staff.workspace.id);
  return {
    configured: aiClient() !== null,
    allowance,
    saved: saved ? { id: saved.id, name: saved.name ?? "" } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const form = await request.formData();
  const intent = str(form, "intent");
  const brief = briefOf(form);
  const drafts = draftsOf(form);
  const answer = (status: number, extra: Partial<Answer> = {}) => data<Answer>({ brief, drafts, fieldErrors: {}, ...extra }, { status });

  if (intent === "draft") {
    const parsed = aiBriefSchema.safeParse(brief);
    if (!parsed.success) {
      const fieldErrors: Record<string, Said> = {};
      for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= { code: issue.message as MessageCode };
      return answer(400, { fieldErrors });
    }
    const client = aiClient();
    if (!client) return answer(503, { formError: { code: "aiDrafts.notConfigured" } });
    try {
      const result = await requestAiDrafts(staff.em, actorOf(staff), client, parsed.data);
      if (!result.ok) {
        // The kind and status only: the brief is the user's text and stays out of the logs.
        logger.warn({ workspaceId: staff.workspace.id, kind: result.error.kind, status: result.error.details.status ?? null }, "AI drafts request failed");
        const status = result.error.kind === "timeout" ? 504 : result.error.kind === "rate_limited" ? 429 : 502;
        return answer(status, { formError: { code: `aiDrafts.error.${result.error.kind}` }, used: result.allowance.used });
      }
      const name = parsed.data.objective.slice(0, 80);
      return answer(200, { drafts: result.drafts.map((text, i) => viewOf(`${name} (${i + 1})`, text)), used: result.allowance.used });
    } catch (err) {
      if (err instanceof AccountsError && err.code === "ai_limit") {
        const { limit } = await aiDraftAllowance(staff.em, staff.workspace.id);
        return answer(429, { formError: limit === 0 ? { code: "aiDrafts.off" } : { code: "aiDrafts.error.limit", params: { limit } } });
      }
      throw err;
    }
  }

  const save = /^(save|check):([0-2])$/.exec(intent);
  if (!save || !drafts) return answer(400, { formError: { code: "aiDrafts.error.choice" } });
  const index = Number(save[2]);
  const draft = drafts[index]!;
  // The same checks as saving: shown without saving, or they stop the save.
  const fieldErrors: Record<string, Said> = {};
  if (!draft.text.trim() || draft.text.length > 1600) fieldErrors[`draft${index}`] = { code: "aiDrafts.error.body" };
  else if (draft.unknownVariables.length) fieldErrors[`draft${index}`] = { code: "aiDrafts.error.unknownVariables", params: { names: draft.unknownVariables.map((n) => `{{${n}}}`).join(", ") } };
  if (draft.name.length > 120) fieldErrors[`name${index}`] = { code: "aiDrafts.error.name" };
  if (save[1] === "check") return answer(200, { fieldErrors });
  if (Object.keys(fieldErrors).length) return answer(400, { fieldErrors });
  try {
    const template = await createBroadcastTemplate(staff.em, actorOf(staff), { name: draft.name, objective: brief.objective, body: draft.text, language: brief.language, fromAiDraft: true });
    throw redirect(`/templates/drafts?saved=${template.id}`);
  } catch (err) {
    // The template path's own check (the one every template goes through) has the last word.
    if (err instanceof ValidationError) {
      // The library's own texts (a name, WhatsApp's formatting rules) next to the draft's fields.
      const fieldErrors: Record<string, Said> = {};
      for (const [field, text] of Object.entries(err.fieldTexts)) {
        const key = field === "name" ? `name${index}` : `draft${index}`;
        fieldErrors[key] ??= { code: text.code, ...(text.params ? { params: text.params } : {}) };
      }
      if (!Object.keys(fieldErrors).length) fieldErrors[`draft${index}`] = { code: "aiDrafts.error.body" };
      return answer(400, { fieldErrors });
    }
    throw err;
  }
}

export default function AiDraftsPage() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const msg = useMsg();
  const busy = useNavigation().state === "submitting";
  const brief = result?.brief;
  const errors = result?.fieldErrors ?? {};
  const fieldError = (key: string) => say(msg, errors[key]);
  const used = result?.used ?? loaded.allowance.used;
  return (
    <>
      <p>
        <Link to="/templates/library">{msg("library.back")}</Link>
      </p>
      <h1>{msg("aiDrafts.title")}</h1>
      <p>{msg("aiDrafts.intro")}</p>
      {loaded.saved ? (
        <Notice message={loaded.saved.name ? msg("aiDrafts.saved", { name: loaded.saved.name }) : msg("aiDrafts.savedUnnamed")} />
      ) : null}
      {loaded.saved ? (
        <p>
          <Link to={`/templates/library/${loaded.saved.id}`}>{loaded.saved.name || msg("aiDrafts.savedUnnamed")}</Link>
        </p>
      ) : null}
      <Form method="post" noValidate className="card" id="ai-drafts-form" aria-busy={busy}>
        <CsrfInput />
        <FormError message={say(msg, result?.formError)} />
        <Field id="objective" label={msg("aiDrafts.field.objective")} error={fieldError("objective")} hint={msg("aiDrafts.field.objective.hint")}>
          {(p) => <input {...p} name="objective" maxLength={300} defaultValue={brief?.objective ?? ""} />}
        </Field>
        <Choice name="tone" label={msg("aiDrafts.field.tone")} options={TONES.map((v) => [v, msg(`aiDrafts.tone.${v}`)])} value={brief?.tone ?? "cercano"} error={fieldError("tone")} />
        <Choice name="length" label={msg("aiDrafts.field.length")} options={LENGTHS.map((v) => [v, msg(`aiDrafts.length.${v}`)])} value={brief?.length ?? "corto"} error={fieldError("length")} />
        <Choice name="language" label={msg("aiDrafts.field.language")} options={LANGUAGES.map((v) => [v, msg(`aiDrafts.language.${v}`)])} value={brief?.language ?? "es"} error={fieldError("language")} />
        <Field id="keyPoints" label={msg("aiDrafts.field.keyPoints")} error={fieldError("keyPoints")} hint={msg("aiDrafts.field.keyPoints.hint")}>
          {(p) => <textarea {...p} name="keyPoints" rows={4} defaultValue={brief?.keyPoints ?? ""} />}
        </Field>
        {loaded.configured ? null : (
          <p className="hint" id="ai-not-configured">
            {msg("aiDrafts.notConfigured")}
          </p>
        )}
        {loaded.configured && loaded.allowance.limit === 0 ? <p className="hint">{msg("aiDrafts.off")}</p> : null}
        <p className="muted">{msg("aiDrafts.usage", { used, limit: loaded.allowance.limit })}</p>
        <button type="submit" name="intent" value="draft" {...(loaded.configured ? {} : { "aria-describedby": "ai-not-configured" })}>
          {msg("aiDrafts.submit")}
        </button>
        {result?.drafts ? <Drafts drafts={result.drafts} fieldError={fieldError} /> : null}
      </Form>
    </>
  );
}

function Choice({ name, label, options, value, error }: { name: string; label: string; options: [string, string][]; value: string; error: string | undefined }) {
  return (
    <Field id={name} label={label} error={error}>
      {(p) => (
        <select {...p} name={name} defaultValue={value}>
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Drafts({ drafts, fieldError }: { drafts: DraftView[]; fieldError: (key: string) => string | undefined }) {
  const msg = useMsg();
  return (
    <section aria-labelledby="drafts-title" className="ai-drafts">
      <h2 id="drafts-title">{msg("aiDrafts.drafts.title")}</h2>
      <p className="hint">{msg("aiDrafts.drafts.hint")}</p>
      {drafts.map((d, i) => (
        // Keyed by the text a draft arrived with: a new answer replaces what the fields show.
        <fieldset key={`${i}:${d.text}`} className="ai-draft">
          <legend>{msg("aiDrafts.draft.label", { n: i + 1 })}</legend>
          <Field id={`name${i}`} label={msg("aiDrafts.draft.name", { n: i + 1 })} error={fieldError(`name${i}`)}>
            {(p) => <input {...p} name={`name${i}`} maxLength={120} defaultValue={d.name} />}
          </Field>
          <Field id={`draft${i}`} label={msg("aiDrafts.draft.label", { n: i + 1 })} error={fieldError(`draft${i}`)}>
            {(p) => <textarea {...p} name={`draft${i}`} rows={5} defaultValue={d.text} />}
          </Field>
          <p className="muted">{msg("aiDrafts.draft.stats", { segments: d.segments, encoding: d.encoding, characters: d.characters })}</p>
          {d.optOutLine ? null : <p className="hint">{msg("aiDrafts.draft.optOut")}</p>}
          {d.procedureMentions.length ? <p className="warning">{msg("aiDrafts.draft.procedures", { words: d.procedureMentions.join(", ") })}</p> : null}
          <div className="actions">
            <button type="submit" name="intent" value={`check:${i}`} className="secondary">
              {msg("aiDrafts.draft.check", { n: i + 1 })}
            </button>
            <button type="submit" name="intent" value={`save:${i}`}>
              {msg("aiDrafts.draft.save", { n: i + 1 })}
            </button>
          </div>
        </fieldset>
      ))}
    </section>
  );
}
