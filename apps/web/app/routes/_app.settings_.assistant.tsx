// Configuración › Asistente (owners only, SPEC §16): automatic answers on or off for the workspace, and
// the LLM assistant's opt-in, which says that patients' messages go to the configured provider. Works
// without JavaScript: a plain form, a redirect with a notice.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { assistantSettings, saveAssistantSettings } from "@rm/accounts";
import { getEnv } from "../.server/env.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Asistente · Reputation Manager" }];

/** The provider as the owner should recognise it: the host of AI_BASE_URL (never the key). */
function providerName(): string | null {
  const base = getEnv().AI_BASE_URL;
  if (!base) return null;
  try {
    return new URL(base).host;
  } catch {
    return null;
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const settings = await assistantSettings(em, workspace.id);
  return { autoAnswers: settings.autoAnswers, aiSince: settings.aiAssistantEnabledAt?.toISOString() ?? null, provider: providerName(), timezone: workspace.timezone };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  await saveAssistantSettings(
    staff.em,
    { workspaceId: staff.workspace.id, userId: staff.user.id, ip: staff.ip },
    { autoAnswers: form.get("autoAnswers") === "on", aiAssistant: form.get("aiAssistant") === "on", aiAvailable: providerName() !== null },
    new Date(),
  );
  throw redirect("/settings/assistant?notice=saved");
}

export default function AssistantSettingsPage() {
  const { autoAnswers, aiSince, provider, timezone } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/settings">{msg("assistant.settings.back")}</Link>
      </p>
      <h1>{msg("assistant.settings.title")}</h1>
      {params.get("notice") === "saved" ? (
        <p className="notice" role="status">
          {msg("assistant.settings.saved")}
        </p>
      ) : null}
      <p>{msg("assistant.settings.intro")}</p>
      <Form method="post" key={`${autoAnswers}-${aiSince}`}>
        <CsrfInput />
        <fieldset className="card">
          <legend>{msg("assistant.settings.auto.legend")}</legend>
          <div className="checkbox">
            <input type="checkbox" id="autoAnswers" name="autoAnswers" defaultChecked={autoAnswers} />
            <label htmlFor="autoAnswers">{msg("assistant.settings.auto.label")}</label>
          </div>
        </fieldset>
        <fieldset className="card">
          <legend>{msg("assistant.settings.ai.legend")}</legend>
          {provider ? (
            <>
              <p id="ai-notice">{msg("assistant.settings.ai.notice", { provider })}</p>
              <div className="checkbox">
                <input type="checkbox" id="aiAssistant" name="aiAssistant" defaultChecked={aiSince !== null} aria-describedby="ai-notice" />
                <label htmlFor="aiAssistant">{msg("assistant.settings.ai.label")}</label>
              </div>
              {aiSince ? <p className="muted">{msg("assistant.settings.ai.since", { date: formatDateTime(aiSince, locale, timezone) })}</p> : null}
            </>
          ) : (
            <p className="muted">{msg("assistant.settings.ai.unavailable")}</p>
          )}
        </fieldset>
        <button type="submit">{msg("assistant.settings.save")}</button>
      </Form>
    </>
  );
}
