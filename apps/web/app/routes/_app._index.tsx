// Inicio: the workspace at a glance, what is still missing to send, and the next steps.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { setupChecklist, type SetupItem } from "@rm/accounts";
import type { Msg } from "@rm/catalogue";
import { getCreditBalance } from "@rm/credits";
import { countDisabledWebhookEndpoints } from "../.server/api.server.ts";
import { requireUser } from "../.server/auth.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { formatCount, useLocale, useMsg } from "../i18n.ts";
import { planName } from "../plans.ts";

export const meta: MetaFunction = () => [{ title: "Inicio · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, workspace, em } = await requireUser(request, context);
  // The checklist already reads the practices the page shows; the credits come from the ledger.
  const { available } = await getCreditBalance(em, workspace.id);
  const setup = await setupChecklist(em, workspace.id, platformSending(), available);
  // The owner's notice of a webhook endpoint the worker disabled after persistent failure.
  const disabledWebhooks = user.role === "OWNER" ? await countDisabledWebhookEndpoints(em, workspace.id) : 0;
  return {
    disabledWebhooks,
    setup,
    user: { name: user.name, email: user.email, role: user.role },
    workspace: { name: workspace.name, plan: workspace.plan },
    practices: setup.practices,
    credits: setup.items.find((i) => i.step === "CREDITS")?.credits ?? 0,
  };
}

export default function Dashboard() {
  const { user, workspace, practices, credits, setup, disabledWebhooks } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const locale = useLocale();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{msg("home.hello", { name: user.name })}</h1>
      {params.get("notice") === "joined" ? (
        <p className="notice" role="status">
          {msg("home.welcome", { workspace: workspace.name })}
        </p>
      ) : null}
      {disabledWebhooks > 0 ? (
        <p className="error" role="alert" data-testid="home-webhooks-disabled">
          {msg("api.webhooks.disabledBanner")} <Link to="/settings/webhooks">{msg("api.webhooks.title")}</Link>
        </p>
      ) : null}
      {setup.complete ? null : (
        <section className="card" aria-labelledby="setup-title" data-testid="setup">
          <h2 id="setup-title">{msg("sending.setup.title")}</h2>
          <ul className="checklist">
            {setup.items.map((item) => (
              <li key={item.step} data-testid={`setup-${item.step}`} data-done={item.done}>
                <span aria-hidden="true">{item.done ? "✓ " : "○ "}</span>
                <span className="visually-hidden">{item.done ? msg("sending.setup.done") : msg("sending.setup.missing")}</span>
                {stepText(item, msg)}{" "}
                {item.done || user.role !== "OWNER" ? null : <Link to={item.href}>{stepAction(item, msg)}</Link>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="grid">
        <section className="card" aria-labelledby="credits-title">
          <h2 id="credits-title">{msg("home.credits")}</h2>
          <p className="big-number" data-testid="credits">
            {formatCount(credits, locale)}
          </p>
          <p className="muted" data-testid="plan">
            {msg("home.plan", { plan: planName(workspace.plan, msg) })}
          </p>
        </section>
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">{msg("home.next")}</h2>
          {practices === 0 ? (
            <p>
              {msg("home.noPractices")}{" "}
              {user.role === "OWNER" ? <Link to="/practices/new">{msg("home.addFirst")}</Link> : null}
            </p>
          ) : (
            <ul>
              <li>
                <Link to="/campaigns">{msg("home.campaigns")}</Link>
              </li>
              <li>
                <Link to="/templates">{msg("home.templates")}</Link>
              </li>
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function stepText(item: SetupItem, msg: Msg): string {
  switch (item.step) {
    case "PRACTICE":
      return msg("sending.setup.practice");
    case "CREDITS":
      return msg("sending.setup.credits", { credits: item.credits ?? 0 });
    case "SENDING": {
      if (item.done) return msg("sending.setup.sendingReady");
      const missing = (item.gaps ?? []).map((g) =>
        g.kind === "NO_SENDER"
          ? msg(g.channel === "WHATSAPP" ? "sending.setup.gap.whatsappSender" : "sending.setup.gap.smsSender")
          : msg(g.type === "REMINDER" ? "sending.setup.gap.templateREMINDER" : "sending.setup.gap.templateINITIAL"),
      );
      return msg("sending.setup.sendingMissing", { missing: missing.join(", ") });
    }
    case "FIRST_UPLOAD":
      return msg("sending.setup.firstUpload");
  }
}

function stepAction(item: SetupItem, msg: Msg): string {
  switch (item.step) {
    case "PRACTICE":
      return msg(item.href === "/practices/new" ? "sending.setup.action.addPractice" : "sending.setup.action.completePractice");
    case "CREDITS":
      return msg("sending.setup.action.buyCredits");
    case "SENDING":
      return msg("sending.setup.action.settings");
    case "FIRST_UPLOAD":
      return msg("sending.setup.action.upload");
  }
}
