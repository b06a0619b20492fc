// Small pieces of the inbox and conversation pages: the rating as stars, and the two views of the threads.
import { isDetractor } from "@rm/domain/ratings";
import { Link } from "@remix-run/react";
import { useMsg } from "../i18n.ts";

export type InboxStatusName = "NEW" | "IN_PROGRESS" | "RESOLVED";

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
