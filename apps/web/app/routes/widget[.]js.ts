// /widget.js?w=<public key> — the one script tag a practice puts on its website (SPEC §16, decision 032).
// It adds a launcher button and, on demand, an iframe of our /widget/<key> page: the chat runs on our
// origin, so the host page's scripts never see it and the visitor's browser makes no request to anyone
// else. Texts come from the catalogue in both languages; the host page's `lang` parameter or the
// browser's language chooses. Plain ES5 DOM code, no inline styles in markup (CSSOM only), so a host
// CSP needs only our origin in script-src and frame-src.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createMsg } from "@rm/catalogue";
import { findWidgetByKey } from "@rm/messaging";

const SCRIPT_HEADERS = {
  "Content-Type": "text/javascript; charset=utf-8",
  "X-Content-Type-Options": "nosniff",
  // Loaded by other sites' pages: a host with COEP must be allowed to embed it.
  "Cross-Origin-Resource-Policy": "cross-origin",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const key = new URL(request.url).searchParams.get("w") ?? "";
  const widget = await findWidgetByKey(context.em, key);
  if (!widget) return new Response("/* Reputation Manager: unknown widget key */\n", { status: 404, headers: { ...SCRIPT_HEADERS, "Cache-Control": "no-store" } });
  const texts = Object.fromEntries(
    (["es", "en"] as const).map((l) => {
      const msg = createMsg(l);
      return [l, { open: msg("widget.launcher.open"), close: msg("widget.launcher.close"), title: msg("widget.frame.title", { practice: widget.workspaceName }) }];
    }),
  );
  const body = `(function () {
  "use strict";
  var KEY = ${JSON.stringify(widget.publicKey)};
  var TEXTS = ${JSON.stringify(texts).replace(/</g, "\\u003c")};
  var script = document.currentScript;
  if (!script || document.getElementById("rm-widget-launcher")) return;
  var src = new URL(script.src);
  var origin = src.origin;
  var asked = src.searchParams.get("lang");
  var lang = asked === "en" || asked === "es" ? asked : /^en/i.test(navigator.language || "") ? "en" : "es";
  var t = TEXTS[lang];
  var frame = null;
  var open = false;
  var button = document.createElement("button");
  button.id = "rm-widget-launcher";
  button.type = "button";
  button.textContent = t.open;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "rm-widget-frame");
  var bs = button.style;
  bs.position = "fixed"; bs.right = "16px"; bs.bottom = "16px"; bs.zIndex = "2147483646";
  bs.minHeight = "48px"; bs.padding = "0 20px"; bs.border = "0"; bs.borderRadius = "24px";
  bs.background = "#0b6e4f"; bs.color = "#ffffff"; bs.font = "600 16px/1 system-ui, sans-serif";
  bs.boxShadow = "0 2px 8px rgba(0,0,0,.3)"; bs.cursor = "pointer";
  function place() {
    if (!frame) return;
    var phone = window.innerWidth <= 480;
    var fs = frame.style;
    fs.position = "fixed"; fs.zIndex = "2147483647"; fs.border = "0"; fs.background = "#ffffff";
    fs.right = phone ? "0" : "16px"; fs.bottom = phone ? "0" : "80px";
    fs.width = phone ? "100%" : "380px"; fs.height = phone ? "100%" : "min(600px, calc(100vh - 96px))";
    fs.borderRadius = phone ? "0" : "12px"; fs.boxShadow = "0 4px 24px rgba(0,0,0,.3)";
  }
  function setOpen(next) {
    open = next;
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.id = "rm-widget-frame";
      frame.title = t.title;
      frame.src = origin + "/widget/" + encodeURIComponent(KEY) + "?lang=" + lang;
      place();
      document.body.appendChild(frame);
    }
    if (frame) frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? t.close : t.open;
    if (open && frame) frame.focus(); else button.focus();
  }
  button.addEventListener("click", function () { setOpen(!open); });
  window.addEventListener("resize", place);
  // The chat asks to close (its close button, or Escape inside it): only messages from our origin count.
  window.addEventListener("message", function (e) {
    if (e.origin === origin && e.data === "rm-widget:close" && open) setOpen(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && open) setOpen(false);
  });
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
`;
  return new Response(body, { headers: { ...SCRIPT_HEADERS, "Cache-Control": "public, max-age=300" } });
}
