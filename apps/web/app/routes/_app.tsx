// The staff layout: every page behind sign-in renders inside it (navigation for the whole app).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { countWaitingThreads } from "@rm/inbox";
import { requireUser } from "../.server/auth.server.ts";
import { viewerOf } from "../.server/inbox.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { useMsg } from "../i18n.ts";
import { NAV_ITEMS, ROLE_LABELS, type StaffRole } from "../nav.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context);
  const { user, workspace } = staff;
  // The one badge (SPEC §13, one workflow): conversations waiting for an answer — open, the last word
  // the patient's (a message, a private comment, a low rating). The inbox is a view of those threads.
  const waiting = await countWaitingThreads(staff.em, viewerOf(staff));
  return {
    waiting,
    user: { name: user.name, email: user.email, role: user.role as StaffRole },
    workspace: { name: workspace.name, plan: workspace.plan, sendingPaused: workspace.sendingPaused, pastDue: workspace.pastDueAt != null },
  };
}

export default function StaffLayout() {
  const { user, workspace, waiting } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const items = NAV_ITEMS.filter((item) => item.roles.includes(user.role));
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {msg("app.skip")}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">Reputation Manager</span>
          <span className="workspace-name" data-testid="workspace-name">
            {workspace.name}
          </span>
        </div>
        <div className="account">
          <NavLink to="/account" className="account-link">
            {user.name} · {msg(ROLE_LABELS[user.role])}
          </NavLink>
          <LanguageSwitch />
          <Form method="post" action="/logout" className="inline-form">
            <CsrfInput />
            <button type="submit" className="secondary">
              {msg("app.signOut")}
            </button>
          </Form>
        </div>
      </header>
      <nav className="app-nav" aria-label={msg("app.nav.label")}>
        <ul>
          {items.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.to === "/"} prefetch="intent">
                {msg(item.label)}
                {item.to === "/conversations" ? <WaitingBadge count={waiting} /> : null}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {workspace.sendingPaused ? (
        <p className="banner warning" role="status">
          {msg("app.banner.paused")}
        </p>
      ) : null}
      {workspace.pastDue ? (
        <p className="banner warning" role="status">
          {msg("app.banner.pastDue")}
        </p>
      ) : null}
      <main id="main" className="page">
        <Outlet />
      </main>
    </div>
  );
}

/** Beside "Conversaciones": the threads waiting for an answer (refreshed by the live pages' polling). */
function WaitingBadge({ count }: { count: number }) {
  const msg = useMsg();
  if (count === 0) return null;
  return (
    <>
      <span className="nav-badge" aria-hidden="true" data-testid="conversations-badge">
        {count}
      </span>
      <span className="visually-hidden">{` (${msg("conversations.badge", { count })})`}</span>
    </>
  );
}
