// Small pieces of the inbox pages: the rating as stars, the source and status labels.
import { isDetractor } from "@rm/domain/ratings";
import { Link } from "@remix-run/react";
import { useMsg, type Translate } from "../i18n.ts";

export type InboxSourceName = "FORM" | "REPLY" | "RATING";
export type InboxStatusName = "NEW" | "IN_PROGRESS" | "RESOLVED";

export function sourceLabel(source: InboxSourceName, t: Translate): string {
  switch (source) {
    case "FORM":
      return t("Formulario", "Form");
    case "REPLY":
      return t("Respuesta", "Reply");
    case "RATING":
      return t("Calificación baja", "Low rating");
  }
}

export function statusLabel(status: InboxStatusName, t: Translate): string {
  switch (status) {
    case "NEW":
      return t("Nuevo", "New");
    case "IN_PROGRESS":
      return t("En curso", "In progress");
    case "RESOLVED":
      return t("Resuelto", "Resolved");
  }
}

/** Five stars with the number beside them; screen readers hear "2 de 5". */
export function Stars({ rating, t }: { rating: number | null; t: Translate }) {
  if (rating === null) return <span className="muted">{t("sin calificación", "no rating")}</span>;
  return (
    <span className={`stars${isDetractor(rating) ? " detractor" : ""}`}>
      <span aria-hidden="true">
        {"★".repeat(rating)}
        {"☆".repeat(5 - rating)}
      </span>{" "}
      <span>{t(`${rating} de 5`, `${rating} of 5`)}</span>
    </span>
  );
}

export function StatusChip({ status, t }: { status: InboxStatusName; t: Translate }) {
  return <span className={`status-chip status-${status.toLowerCase().replace("_", "-")}`}>{statusLabel(status, t)}</span>;
}

/** Five stars with the number beside them, through the catalogue; screen readers hear "2 de 5". */
export function InboxStars({ rating }: { rating: number | null }) {
  const msg = useMsg();
  if (rating === null) return <span className="muted">{msg("inbox.noRating")}</span>;
  return (
    <span className={`stars${isDetractor(rating) ? " detractor" : ""}`}>
      <span aria-hidden="true">
        {"★".repeat(rating)}
        {"☆".repeat(5 - rating)}
      </span>{" "}
      <span>{msg("inbox.stars", { rating })}</span>
    </span>
  );
}

/**
 * The two views of the same threads (SPEC §13, one workflow): every conversation, and the inbox — those
 * with feedback, ratings or unparsed replies. Beside them the one count the navigation shows.
 */
export function ConversationViews({ current, waiting, showInbox }: { current: "threads" | "inbox"; waiting: number; showInbox: boolean }) {
  const msg = useMsg();
  return (
    <nav aria-label={msg("inbox.views")} className="conversation-views">
      <ul>
        <li>
          <Link to="/conversations" aria-current={current === "threads" ? "page" : undefined} data-testid="view-threads">
            {msg("inbox.view.threads")}
          </Link>
        </li>
        {showInbox ? (
          <li>
            <Link to="/inbox" aria-current={current === "inbox" ? "page" : undefined} data-testid="view-inbox">
              {msg("inbox.view.inbox")}
            </Link>
          </li>
        ) : null}
      </ul>
      {waiting > 0 ? (
        <p className="muted" data-testid="waiting-count">
          {msg("conversations.badge", { count: waiting })}
        </p>
      ) : null}
    </nav>
  );
}
