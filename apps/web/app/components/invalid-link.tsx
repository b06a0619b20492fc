// What an invitation or password-reset link shows when it is unknown, used or expired (the routes'
// error boundary): never which of the three, so a link cannot be probed.
import { Link } from "@remix-run/react";
import { useMsg } from "../i18n.ts";

export function InvalidLinkPage() {
  const msg = useMsg();
  return (
    <main className="page narrow">
      <h1>{msg("links.invalid.title")}</h1>
      <p>{msg("links.invalid.body")}</p>
      <p>
        <Link to="/login">{msg("links.invalid.signIn")}</Link>
      </p>
    </main>
  );
}
