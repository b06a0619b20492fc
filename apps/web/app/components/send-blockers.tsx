// What stops a send, each with where it is fixed (owners) or whom to ask (everyone else).
import { Link } from "@remix-run/react";
import type { Coded } from "@rm/catalogue";
import { textIn, useLocale, useMsg } from "../i18n.ts";

export interface SendBlockerView {
  code: string;
  text: Coded;
  fixUrl: string;
  fix: Coded;
}

export function SendBlockers({ blockers, isOwner }: { blockers: SendBlockerView[]; isOwner: boolean }) {
  const msg = useMsg();
  const locale = useLocale();
  if (blockers.length === 0) return null;
  return (
    <div className="warning-box" role="alert" data-testid="blockers">
      <p>
        <strong>{msg("sending.blockers.title")}</strong>
      </p>
      <ul>
        {blockers.map((b) => (
          <li key={`${b.code}-${textIn(b.text, "es")}`} data-testid={`blocker-${b.code}`}>
            {textIn(b.text, locale)}{" "}
            {isOwner ? (
              <Link to={b.fixUrl}>{textIn(b.fix, locale)}</Link>
            ) : (
              <span className="muted">{msg("sending.blockers.askOwner")}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
