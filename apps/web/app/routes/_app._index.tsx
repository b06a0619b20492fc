// Inicio: the workspace at a glance, what is still missing to send, and the next steps.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { setupChecklist, type SetupItem } from "@rm/accounts";
import { getCreditBalance, Practice } from "@rm/db";
import { requireUser } from "../.server/auth.server.ts";
import { platformSending } from "../.server/platform.server.ts";
import { useT, type Translate } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Inicio · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, workspace, em } = await requireUser(request, context);
  const practices = await em.count(Practice, {});
  const balance = await getCreditBalance(em, workspace.id);
  const setup = await setupChecklist(em, workspace.id, platformSending());
  return {
    setup,
    user: { name: user.name, email: user.email, role: user.role },
    workspace: { name: workspace.name, plan: workspace.plan },
    practices,
    credits: balance.available,
  };
}

export default function Dashboard() {
  const { user, workspace, practices, credits, setup } = useLoaderData<typeof loader>();
  const t = useT();
  const [params] = useSearchParams();
  return (
    <>
      <h1>
        {t("Hola", "Hello")}, {user.name}
      </h1>
      {params.get("notice") === "joined" ? (
        <p className="notice" role="status">
          {t(`Bienvenido a ${workspace.name}.`, `Welcome to ${workspace.name}.`)}
        </p>
      ) : null}
      {setup.complete ? null : (
        <section className="card" aria-labelledby="setup-title" data-testid="setup">
          <h2 id="setup-title">{t("Lo que falta para enviar", "What is missing to send")}</h2>
          <ul className="checklist">
            {setup.items.map((item) => (
              <li key={item.step} data-testid={`setup-${item.step}`} data-done={item.done}>
                <span aria-hidden="true">{item.done ? "✓ " : "○ "}</span>
                <span className="visually-hidden">{item.done ? t("Listo: ", "Done: ") : t("Falta: ", "Missing: ")}</span>
                {stepText(item, t)}{" "}
                {item.done || user.role !== "OWNER" ? null : <Link to={item.href}>{stepAction(item, t)}</Link>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="grid">
        <section className="card" aria-labelledby="credits-title">
          <h2 id="credits-title">{t("Créditos disponibles", "Available credits")}</h2>
          <p className="big-number" data-testid="credits">
            {credits}
          </p>
          <p className="muted">
            {t("Plan", "Plan")} {workspace.plan}. {t("Un crédito = un segmento SMS o un mensaje de WhatsApp.", "One credit = one SMS segment or one WhatsApp message.")}
          </p>
        </section>
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">{t("Próximos pasos", "Next steps")}</h2>
          {practices === 0 ? (
            <p>
              {t("Aún no tiene consultorios.", "You have no practices yet.")}{" "}
              {user.role === "OWNER" ? <Link to="/practices/new">{t("Agregue el primero", "Add the first one")}</Link> : null}
            </p>
          ) : (
            <ul>
              <li>
                <Link to="/campaigns">{t("Ver campañas", "See campaigns")}</Link>
              </li>
              <li>
                <Link to="/templates">{t("Revisar las plantillas de mensajes", "Review message templates")}</Link>
              </li>
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

const TYPE_NAMES: Record<string, [string, string]> = { INITIAL: ["solicitud de calificación", "rating request"], REMINDER: ["recordatorio", "reminder"] };

function stepText(item: SetupItem, t: Translate): string {
  switch (item.step) {
    case "PRACTICE":
      return t("Un consultorio con su enlace de reseñas de Google.", "A practice with its Google review link.");
    case "CREDITS":
      return t(`Créditos para enviar (tiene ${item.credits ?? 0}).`, `Credits to send (you have ${item.credits ?? 0}).`);
    case "SENDING": {
      if (item.done) return t("Número de envío y plantillas de WhatsApp aprobadas.", "Sender number and approved WhatsApp templates.");
      const missing = (item.gaps ?? []).map((g) =>
        g.kind === "NO_SENDER"
          ? g.channel === "WHATSAPP"
            ? t("un número de WhatsApp", "a WhatsApp number")
            : t("un número de envío SMS", "an SMS sender number")
          : t(`la plantilla de WhatsApp «${TYPE_NAMES[g.type]?.[0] ?? g.type}»`, `the WhatsApp template "${TYPE_NAMES[g.type]?.[1] ?? g.type}"`),
      );
      return t(`Número de envío y plantillas de WhatsApp: falta ${missing.join(", ")}.`, `Sender number and WhatsApp templates: missing ${missing.join(", ")}.`);
    }
    case "FIRST_UPLOAD":
      return t("Su primera lista de citas subida y confirmada.", "Your first appointment list uploaded and confirmed.");
  }
}

function stepAction(item: SetupItem, t: Translate): string {
  switch (item.step) {
    case "PRACTICE":
      return item.href === "/practices/new" ? t("Agregar un consultorio", "Add a practice") : t("Completar el consultorio", "Complete the practice");
    case "CREDITS":
      return t("Comprar créditos", "Buy credits");
    case "SENDING":
      return t("Configurar en Ajustes", "Set it up in Settings");
    case "FIRST_UPLOAD":
      return t("Subir citas", "Upload appointments");
  }
}
