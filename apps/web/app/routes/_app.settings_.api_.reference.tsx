// Ajustes › Claves de API › Referencia (owners only, SPEC §15): the API's operations as the OpenAPI
// document describes them (generated from the same zod schemas), the document to download, and
// the webhook signature scheme with a verification snippet.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { apiReference } from "../.server/api.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Referencia de la API · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.OWNER });
  return { operations: apiReference() };
}

const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the RM-Signature header; body: the raw request body (string); secret: whsec_…
export function verify(header, body, secret, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(\`\${t}.\${body}\`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}`;

export default function ApiReferencePage() {
  const { operations } = useLoaderData<typeof loader>();
  const msg = useMsg();
  return (
    <>
      <p>
        <Link to="/settings/api">{msg("api.keys.title")}</Link>
      </p>
      <h1>{msg("api.reference.title")}</h1>
      <p>{msg("api.reference.intro")}</p>
      <p>
        <a href="/api/v1/openapi.json" download>
          {msg("api.reference.download")}
        </a>
      </p>
      <nav aria-label={msg("api.reference.title")}>
        <ul>
          {operations.map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`}>
                <code>
                  {op.method} {op.path}
                </code>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {operations.map((op) => (
        <section className="card api-operation" key={op.id} id={op.id} aria-labelledby={`${op.id}-title`}>
          <h2 id={`${op.id}-title`}>
            <code className="endpoint-url">
              {op.method} {op.path}
            </code>
          </h2>
          <p>
            <strong>{op.summary}</strong>
          </p>
          {op.description ? op.description.split("\n\n").map((para, i) => <p key={i}>{para}</p>) : null}
          {op.parameters.length > 0 ? (
            <>
              <h3>{msg("api.reference.parameters")}</h3>
              <dl>
                {op.parameters.map((p) => (
                  <div key={`${p.in}-${p.name}`}>
                    <dt>
                      <code>{p.name}</code> ({p.in}, {p.type}
                      {p.required ? `, ${msg("api.reference.required")}` : ""})
                    </dt>
                    {p.description ? <dd>{p.description}</dd> : null}
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          {op.body.length > 0 ? (
            <>
              <h3>{msg("api.reference.body")}</h3>
              <dl>
                {op.body.map((f) => (
                  <div key={f.name}>
                    <dt>
                      <code>{f.name}</code> ({f.type}
                      {f.required ? `, ${msg("api.reference.required")}` : ""})
                    </dt>
                    {f.description ? <dd>{f.description}</dd> : null}
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          <h3>{msg("api.reference.responses")}</h3>
          <ul>
            {op.responses.map((r) => (
              <li key={r.status}>
                <code>{r.status}</code> {r.description}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section className="card" id="signatures" aria-labelledby="signatures-title">
        <h2 id="signatures-title">{msg("api.reference.signature.title")}</h2>
        <p>{msg("api.reference.signature.text")}</p>
        <pre className="snippet" tabIndex={0} aria-labelledby="signatures-title">
          <code>{VERIFY_SNIPPET}</code>
        </pre>
      </section>
    </>
  );
}
