// What stops a send, each with where it is fixed (owners) or whom to ask (everyone else).
import { Link } from "@remix-run/react";
import { useMsg, useT } from "../i18n.ts";

export interface SendBlockerView {
  code: string;
  es: string;
  en: string;
  fixUrl: string;
  fixEs: string;
  fixEn: string;
}

export function SendBlockers({ blockers, isOwner }: { blockers: SendBlockerView[]; isOwner: boolean }) {
  const t = useT();
  const msg = useMsg();
  if (blockers.length === 0) return null;
  return (
    <div className="warning-box" role="alert" data-testid="blockers">
      <p>
        <strong>{msg("sending.blockers.title")}</strong>
      </p>
      <ul>
        {blockers.map((b) => (
          <li key={`${b.code}-${b.es}`} data-testid={`blocker-${b.code}`}>
            {t(b.es, b.en)}{" "}
            {isOwner ? (
              <Link to={b.fixUrl}>{t(b.fixEs, b.fixEn)}</Link>
            ) : (
              <span className="muted">{msg("sending.blockers.askOwner")}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
