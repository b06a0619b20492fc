// Live pages (SPEC §13 "Live updates"): where JavaScript runs, the page's loaders run again every few
// seconds while the tab is visible, so new messages, status changes, the badge and the title count
// (the route's meta) appear without a reload. Polling, not server-sent events: each poll is one
// ordinary loader request through the same session, role and tenant checks as a reload, with nothing
// held open per viewer (docs/performance.md has the measured cost). Without JavaScript a reload shows
// the same.
import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

export const LIVE_POLL_MS = 5000;

export function useLivePage(_count: number, intervalMs = LIVE_POLL_MS): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    };
    const id = window.setInterval(tick, intervalMs);
    document.addEventListener("visibilitychange", tick);
    return () => {
      window.clearInterval(id);
      document.removeEventListener("visibilitychange", tick);
    };
  }, [revalidator, intervalMs]);
}
