// What an invitation or password-reset link shows when it is unknown, used or expired (the routes'
// error boundary): never which of the three, so a link cannot be probed.
import { Link } from "@remix-run/react";
import { useMsg } from "../i18n.ts";
import { ErrorPage } from "./error-page.tsx";

export function InvalidLinkPage() {
  const msg = useMsg();
  return <ErrorPage title={msg("links.invalid.title")} detail={msg("links.invalid.body")} way={<Link to="/login">{msg("links.invalid.signIn")}</Link>} />;
}
