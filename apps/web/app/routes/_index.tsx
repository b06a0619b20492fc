// Placeholder dashboard: who is signed in, in which workspace. The real dashboard comes later.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "../.server/auth.server.ts";

export const meta: MetaFunction = () => [{ title: "Panel · Reputation Manager" }];

const ROLE_LABELS: Record<string, string> = {
  OWNER: "Propietario",
  DOCTOR: "Doctor",
  RECEPTIONIST: "Recepción",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context.em);
  return {
    user: { name: user.name, email: user.email, role: user.role },
    workspace: { name: user.workspace.name },
  };
}

export default function Dashboard() {
  const { user, workspace } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="topbar">
        <div>
          <p className="muted">Espacio de trabajo</p>
          <h1 data-testid="workspace-name">{workspace.name}</h1>
        </div>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary">
            Cerrar sesión
          </button>
        </Form>
      </header>
      <section className="card" aria-labelledby="welcome">
        <h2 id="welcome">Hola, {user.name}</h2>
        <p>
          Sesión iniciada como <strong>{user.email}</strong> ({ROLE_LABELS[user.role] ?? user.role}).
        </p>
        <p className="muted">El panel con campañas, respuestas y NPS llegará pronto.</p>
      </section>
    </main>
  );
}
