/**
 * A practice's Google review link (SPEC §4, §5.8). Owners paste one of three things Google hands out:
 *
 * - a Place ID ("ChIJ…"), from Google's Place ID finder;
 * - a `https://search.google.com/local/writereview?placeid=…` link: its Place ID is kept;
 * - a `https://g.page/r/<token>/review` link, the "ask for reviews" link of a Business Profile. It holds
 *   no Place ID, so the link itself is kept (in its one canonical form).
 *
 * The link ends up in messages to patients, so only these Google forms are accepted: never another
 * host, never a redirecting short link we cannot check (open redirect, phishing). Everything that
 * builds a review link (messages, the `/r/<token>` redirect, previews, the demo seed) goes through
 * {@link reviewLinkFor}.
 */

/** Place ids are URL-safe tokens ("ChIJ…"); anything else would produce a broken link. */
const PLACE_ID = /^[A-Za-z0-9_-]{10,300}$/;
/** The token of a g.page review link, e.g. "CZ1nGqbVEkXhEBM". */
const G_PAGE_TOKEN = /^[A-Za-z0-9_-]{6,200}$/;
/** The stored form of a g.page review link; also enforced by the database (practices check). */
export const G_PAGE_REVIEW_URL = /^https:\/\/g\.page\/r\/[A-Za-z0-9_-]{6,200}\/review$/;

/** What a practice stores: a Place ID, or (for g.page links, which carry none) the link itself. */
export type GoogleReviewTarget = { kind: "placeId"; placeId: string } | { kind: "reviewUrl"; url: string };

export type GoogleReviewRejection = "bad_place_id" | "maps_share_link" | "g_page_not_review" | "not_google_review_link";

/** Why a pasted value is refused, in Spanish (pages show the catalogue's `accounts.review.<reason>` in either language); each names the accepted forms. */
export const GOOGLE_REVIEW_REJECTION_ES: Readonly<Record<GoogleReviewRejection, string>> = {
  bad_place_id: "Un Place ID de Google tiene letras, números, - y _ (p. ej. ChIJ…).",
  maps_share_link:
    "Un enlace para compartir de Google Maps (maps.app.goo.gl, goo.gl, google.com/maps) abre el mapa, no la página de reseñas. Use el enlace «Pedir reseñas» de su Perfil de Empresa (https://g.page/r/…/review) o su Place ID (ChIJ…).",
  g_page_not_review: "Ese enlace de g.page no es el de reseñas: debe tener la forma https://g.page/r/…/review.",
  not_google_review_link:
    "Use un Place ID de Google (ChIJ…), un enlace https://g.page/r/…/review o un enlace https://search.google.com/local/writereview?placeid=…",
};

export type GoogleReviewParse = { ok: true; target: GoogleReviewTarget } | { ok: false; reason: GoogleReviewRejection };

/** Google hosts whose links are Maps share links (they redirect somewhere we would have to follow). */
const MAPS_SHARE_HOSTS = new Set(["maps.app.goo.gl", "goo.gl", "maps.google.com", "www.google.com", "google.com", "www.google.com.ec", "google.com.ec"]);

/** Reads what an owner pasted (already non-empty). Accepts only the three forms above. */
export function parseGoogleReviewInput(input: string): GoogleReviewParse {
  const text = input.trim();
  if (PLACE_ID.test(text)) return { ok: true, target: { kind: "placeId", placeId: text } };
  // Without a dot, slash or colon it was meant as a Place ID.
  if (!/[./:]/.test(text)) return { ok: false, reason: "bad_place_id" };
  const url = parseUrl(text);
  if (!url) return { ok: false, reason: "not_google_review_link" };
  // No credentials, no other port: "https://g.page@evil.example/" must not pass for Google.
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.port) {
    return { ok: false, reason: "not_google_review_link" };
  }
  const host = url.hostname.toLowerCase();
  if (host === "search.google.com" && url.pathname.replace(/\/+$/, "") === "/local/writereview") {
    const placeId = url.searchParams.get("placeid")?.trim() ?? "";
    return PLACE_ID.test(placeId) ? { ok: true, target: { kind: "placeId", placeId } } : { ok: false, reason: "bad_place_id" };
  }
  if (host === "g.page") {
    const m = /^\/r\/([^/]+)\/review\/?$/.exec(url.pathname);
    if (!m || !G_PAGE_TOKEN.test(m[1]!)) return { ok: false, reason: "g_page_not_review" };
    return { ok: true, target: { kind: "reviewUrl", url: `https://g.page/r/${m[1]}/review` } };
  }
  if (MAPS_SHARE_HOSTS.has(host)) return { ok: false, reason: "maps_share_link" };
  return { ok: false, reason: "not_google_review_link" };
}

/** A URL with or without its scheme ("g.page/r/…/review"); null when it is not one. */
function parseUrl(text: string): URL | null {
  if (/\s/.test(text)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    return new URL(withScheme);
  } catch {
    return null;
  }
}

/** The page where a patient writes a Google review for a place. */
export function googleReviewUrl(placeId: string): string {
  const id = placeId.trim();
  if (id === "") throw new Error("A Google place id is required for the review link");
  return `https://search.google.com/local/writereview?placeid=${encodeURIComponent(id)}`;
}

/** The review columns of a practice. */
export interface PracticeReviewFields {
  googlePlaceId?: string | null | undefined;
  googleReviewUrl?: string | null | undefined;
}

/**
 * The link patients get to write a Google review for this practice, or null when none is set. A stored
 * URL is used only in its accepted g.page form, so a row written around the form never reaches a patient.
 */
export function reviewLinkFor(practice: PracticeReviewFields): string | null {
  if (practice.googleReviewUrl) return G_PAGE_REVIEW_URL.test(practice.googleReviewUrl) ? practice.googleReviewUrl : null;
  // The host is fixed and the id encoded: any stored id gives a Google link, at worst a broken one.
  if (practice.googlePlaceId?.trim()) return googleReviewUrl(practice.googlePlaceId);
  return null;
}

/** What the form field shows for a stored practice: the link it was saved with, or its Place ID. */
export function reviewInputOf(practice: PracticeReviewFields): string {
  return practice.googleReviewUrl ?? practice.googlePlaceId ?? "";
}

/** The live preview of the form field: the working link for what is typed, or null when it would be refused. */
export function previewReviewLink(input: string): string | null {
  if (input.trim() === "") return null;
  const parsed = parseGoogleReviewInput(input);
  if (!parsed.ok) return null;
  return parsed.target.kind === "placeId" ? googleReviewUrl(parsed.target.placeId) : parsed.target.url;
}
