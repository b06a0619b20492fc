// Ajustes › Claves de API (owners only, SPEC §15): create a key with a name and scopes (shown once,
// in the answer to the POST, never stored in clear), list keys with their prefix and last use,
// revoke. Every change is audited by @rm/api.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { API_SCOPES, type ApiScope } from "@rm/api/constants";
import { ApiKeyInputError, apiKeyHashSecret, createApiKey, listApiKeys, revokeApiKey } from "../.server/api.server.ts";
import { str } from "../.server/forms.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, Field, FormError, Notice } from "../components/forms.tsx";
import { formatDateTime, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Claves de API · Reputation Manager" }];

const SCOPE_TEXT = {
  "appointments:write": "api.keys.scope.appointmentsWrite",
  "messages:read": "api.keys.scope.messagesRead",
  "contacts:write": "api.keys.scope.contactsWrite",
} as const satisfies Record<ApiScope, string>;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  const keys = await listApiKeys(em, workspace.id);
  return {
    timezone: workspace.timezone,
    keys: keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  const intent = str(form, "intent");
  if (intent === "revoke") {
    const revoked = await revokeApiKey(staff.em, { workspaceId: staff.workspace.id, keyId: str(form, "keyId"), actorId: staff.user.id, ip: staff.ip, now: new Date() });
    if (!revoked) throw data({ error: "not found" }, { status: 404 });
    throw redirect("/settings/api?notice=revoked");
  }
  if (intent !== "create") throw data({ error: "unknown intent" }, { status: 400 });
  const name = str(form, "name");
  const scopes = form.getAll("scope").map(String);
  try {
    const created = await createApiKey(staff.em, { workspaceId: staff.workspace.id, actorId: staff.user.id, name, scopes, hashSecret: apiKeyHashSecret(), ip: staff.ip, now: new Date() });
    // The only time the key exists in clear: this answer (no-store, like every signed-in page).
    return { created: { name: name.trim(), key: created.key }, error: null };
  } catch (err) {
    if (!(err instanceof ApiKeyInputError)) throw err;
    return data({ created: null, error: { field: err.field, name, scopes } }, { status: 400 });
  }
}

export default function ApiKeysPage() {
  const { keys, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const msg = useMsg();
  const locale = useLocale();
  const [params] = useSearchParams();
  const error = result?.error ?? null;
  return (
    <>
      <p>
        <Link to="/settings">{msg("api.back")}</Link>
      </p>
      <h1>{msg("api.keys.title")}</h1>
      <p>{msg("api.keys.intro")}</p>
      <p>
        <Link to="/settings/api/reference">{msg("api.settingsLink.reference")}</Link> · <Link to="/settings/webhooks">{msg("api.webhooks.title")}</Link>
      </p>
      <Notice message={params.get("notice") === "revoked" ? msg("api.keys.notice.revoked") : undefined} />
      {result?.created ? (
        <section className="card" aria-labelledby="api-key-created" data-testid="api-key-created">
          <h2 id="api-key-created">{msg("api.keys.created", { name: result.created.name })}</h2>
          <p>
            <code className="secret">{result.created.key}</code>
          </p>
        </section>
      ) : null}
      <section className="card" aria-labelledby="api-keys-list">
        <h2 id="api-keys-list">{msg("api.keys.title")}</h2>
        {keys.length === 0 ? (
          <p className="muted">{msg("api.keys.empty")}</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="api-keys-list">
            <table>
              <thead>
                <tr>
                  <th scope="col">{msg("api.keys.col.name")}</th>
                  <th scope="col">{msg("api.keys.col.prefix")}</th>
                  <th scope="col">{msg("api.keys.col.scopes")}</th>
                  <th scope="col">{msg("api.keys.col.created")}</th>
                  <th scope="col">{msg("api.keys.col.lastUsed")}</th>
                  <th scope="col">{msg("api.keys.col.state")}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>{k.scopes.join(", ")}</td>
                    <td>{formatDateTime(k.createdAt, locale, timezone)}</td>
                    <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt, locale, timezone) : msg("api.keys.never")}</td>
                    <td>
                      {k.revokedAt ? (
                        msg("api.keys.revoked")
                      ) : (
                        <Form method="post">
                          <CsrfInput />
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="keyId" value={k.id} />
                          <button type="submit" className="secondary">
                            {msg("api.keys.revoke", { name: k.name })}
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="api-key-create">
        <h2 id="api-key-create">{msg("api.keys.create.title")}</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <Field id="name" label={msg("api.keys.create.name")} error={error?.field === "name" ? msg("api.keys.error.name") : undefined}>
            {(p) => <input {...p} name="name" required maxLength={100} defaultValue={error?.name ?? ""} autoComplete="off" />}
          </Field>
          <fieldset aria-describedby={error?.field === "scopes" ? "scopes-error" : undefined}>
            <legend>{msg("api.keys.create.scopes")}</legend>
            {API_SCOPES.map((scope) => (
              <div className="checkbox" key={scope}>
                <input type="checkbox" id={`scope-${scope}`} name="scope" value={scope} defaultChecked={error ? error.scopes.includes(scope) : scope === "appointments:write"} />
                <label htmlFor={`scope-${scope}`}>{msg(SCOPE_TEXT[scope])}</label>
              </div>
            ))}
            {error?.field === "scopes" ? (
              <p id="scopes-error" className="field-error">
                {msg("api.keys.error.scopes")}
              </p>
            ) : null}
          </fieldset>
          <FormError message={undefined} />
          <button type="submit">{msg("api.keys.create.submit")}</button>
        </Form>
      </section>
    </>
  );
}
