import { m } from "../define.ts";

/** Sign-in throttling and request limits (SPEC §17). */
export const security = {
  "security.login.throttled": m<{ seconds: number }>({
    es: "Demasiados intentos fallidos. Espere {seconds, plural, one {# segundo} other {# segundos}} e inténtelo de nuevo.",
    en: "Too many failed attempts. Wait {seconds, plural, one {# second} other {# seconds}} and try again.",
  }),
  "security.body.tooLarge": m<{ kib: number }>({
    es: "La solicitud es demasiado grande (máximo {kib} KiB). Acorte el texto e inténtelo de nuevo.",
    en: "The request is too large (at most {kib} KiB). Shorten the text and try again.",
  }),
};
