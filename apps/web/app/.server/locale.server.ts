// The visitor's interface language, kept in its own cookie so it survives logout.
import { createCookie } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n.ts";

export const localeCookie = createCookie("lang", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  // Like the session cookie: never sent over plain HTTP in production.
  secure: process.env.NODE_ENV === "production",
  maxAge: 60 * 60 * 24 * 365,
});

export async function getLocale(request: Request): Promise<Locale> {
  const value: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(value) ? value : DEFAULT_LOCALE;
}
