// Where a sign-in, the login page or the language switch may send the browser next (SPEC §17).

const REDIRECT_BASE = "http://redirect-base.invalid";
// C0 and C1 controls, DEL, every Unicode space (browsers strip tabs and newlines inside URLs and
// trim spaces around them, so "/\t/evil.com" becomes "//evil.com") and backslashes (read as "/").
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_IN_REDIRECT = /[\u0000-\u0020\u007f-\u009f\s\\]/u;
// eslint-disable-next-line no-control-regex -- the same, after percent-decoding (spaces are fine there)
const UNSAFE_DECODED = /[\u0000-\u001f\u007f-\u009f\\]/u;

/** `value` with its percent-escapes decoded, repeatedly (double encoding), as far as they decode. */
function decodedForm(value: string): string {
  let current = value;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * Only same-origin paths: never an open redirect to another host (SPEC §17). Refused, for the
 * fallback: anything but a string starting with one "/", control characters, whitespace and
 * backslashes (also percent-encoded in the path), and anything the URL parser resolves off the origin.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || to.length > 2048 || !to.startsWith("/") || to.startsWith("//")) return fallback;
  if (UNSAFE_IN_REDIRECT.test(to)) return fallback;
  // Encoded forms of the same tricks in the path ("/%09/evil.com", "/%5Cevil.com", "/%2F/evil.com");
  // the query and fragment cannot change the host, and a search text may hold anything.
  const decoded = decodedForm(to.replace(/[?#].*$/su, ""));
  if (UNSAFE_DECODED.test(decoded) || /^\/[/\\]/.test(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  // A path that normalises to "//host" (e.g. "/a/..//evil.com") would be protocol-relative if echoed normalised.
  if (url.origin !== REDIRECT_BASE || url.pathname.startsWith("//")) return fallback;
  return to;
}
