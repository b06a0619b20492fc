import { m } from "../define.ts";

/**
 * Why @rm/accounts refused a form: the package returns these codes with their parameters (field
 * errors, rule violations) and the page shows them in the interface language.
 */
export const accounts = {
  "accounts.email.required": m({ es: "Ingrese un correo electrónico.", en: "Enter an email." }),
  "accounts.email.tooLong": m({ es: "El correo es demasiado largo.", en: "The email is too long." }),
  "accounts.email.invalid": m({ es: "Ingrese un correo electrónico válido.", en: "Enter a valid email." }),
  "accounts.password.required": m({ es: "Ingrese una contraseña.", en: "Enter a password." }),
  "accounts.password.tooShort": m<{ min: number }>({ es: "La contraseña debe tener al menos {min} caracteres.", en: "The password must have at least {min} characters." }),
  "accounts.password.tooLong": m<{ max: number }>({ es: "La contraseña es demasiado larga (máximo {max} caracteres).", en: "The password is too long (at most {max} characters)." }),
  "accounts.password.mismatch": m({ es: "Las contraseñas no coinciden.", en: "The passwords do not match." }),
  "accounts.password.currentRequired": m({ es: "Ingrese su contraseña actual.", en: "Enter your current password." }),
  "accounts.password.wrong": m({ es: "La contraseña actual no es correcta.", en: "The current password is not correct." }),
  "accounts.name.required": m({ es: "Ingrese un nombre.", en: "Enter a name." }),
  "accounts.name.tooLong": m<{ max: number }>({ es: "El nombre es demasiado largo (máximo {max} caracteres).", en: "The name is too long (at most {max} characters)." }),
  "accounts.text.tooLong": m<{ max: number }>({ es: "Máximo {max} caracteres.", en: "At most {max} characters." }),
  "accounts.role.required": m({ es: "Elija un rol.", en: "Choose a role." }),
  "accounts.users.freeLimit": m({
    es: "El plan FREE permite un solo usuario. Mejore su plan en Facturación para invitar a más personas.",
    en: "The FREE plan allows one user. Upgrade your plan in Billing to invite more people.",
  }),
  "accounts.users.emailTaken": m({ es: "Ya existe un usuario con este correo.", en: "A user with this email already exists." }),
  "accounts.users.invalidLink": m({ es: "El enlace no es válido o ya expiró. Pida uno nuevo al propietario.", en: "The link is invalid or expired. Ask the owner for a new one." }),
  "accounts.users.lastOwner": m({ es: "El espacio de trabajo necesita al menos un propietario.", en: "The workspace needs at least one owner." }),
  "accounts.country.invalid": m({ es: "Código de país de 2 letras (EC).", en: "Two-letter country code (EC)." }),
  "accounts.timezone.invalid": m({ es: "Zona horaria desconocida (use un nombre IANA, p. ej. America/Guayaquil).", en: "Unknown time zone (use an IANA name, e.g. America/Guayaquil)." }),
  "accounts.sender.invalid": m({ es: "Use un número en formato E.164 (+593…) o un Messaging Service SID (MG…).", en: "Use an E.164 number (+593…) or a Messaging Service SID (MG…)." }),
  "accounts.contentSid.invalid": m({ es: "Un Content SID empieza con HX y tiene 34 caracteres.", en: "A Content SID starts with HX and has 34 characters." }),
  "accounts.cooldown.required": m({ es: "Ingrese un número de días.", en: "Enter a number of days." }),
  "accounts.cooldown.whole": m({ es: "Use un número entero de días.", en: "Use a whole number of days." }),
  "accounts.cooldown.negative": m({ es: "No puede ser negativo.", en: "Cannot be negative." }),
  "accounts.cooldown.tooMany": m<{ max: number }>({ es: "Máximo {max} días.", en: "At most {max} days." }),
  "accounts.aiDrafts.range": m({ es: "Use un número entero de 0 a 1000.", en: "Use a whole number from 0 to 1000." }),
  "accounts.broadcastCap.range": m({ es: "Use un número entero de 0 a 30.", en: "Use a whole number from 0 to 30." }),
  "accounts.channel.required": m({ es: "Elija un canal.", en: "Choose a channel." }),
  "accounts.language.required": m({ es: "Elija un idioma.", en: "Choose a language." }),
  "accounts.countries.unknown": m<{ codes: string }>({
    es: "Códigos de país no reconocidos: {codes}. Use códigos de 2 letras (CO, PE).",
    en: "Unknown country codes: {codes}. Use 2-letter codes (CO, PE).",
  }),
  "accounts.policy.required": m({ es: "Elija una política.", en: "Choose a policy." }),
  "accounts.quietHours.format": m({ es: "Use HH:mm (00:00–23:59).", en: "Use HH:mm (00:00–23:59)." }),
  "accounts.quietHours.same": m({ es: "El inicio y el fin no pueden ser iguales.", en: "Start and end cannot be the same." }),
  "accounts.gated.confirm": m({ es: "Para activar el filtrado debe confirmar que leyó la advertencia.", en: "To turn on gating you must confirm that you read the warning." }),
  "accounts.invalid": m({ es: "Valor no válido.", en: "Invalid value." }),
  "accounts.phone.EMPTY": m({ es: "Falta el número de teléfono.", en: "The phone number is missing." }),
  "accounts.phone.NOT_A_NUMBER": m({ es: "No es un número de teléfono.", en: "Not a phone number." }),
  "accounts.phone.TOO_SHORT": m({ es: "El número es demasiado corto.", en: "The number is too short." }),
  "accounts.phone.TOO_LONG": m({ es: "El número es demasiado largo.", en: "The number is too long." }),
  "accounts.phone.INVALID_COUNTRY": m({ es: "No se reconoce el código de país.", en: "Unknown country code." }),
  "accounts.phone.INVALID_NUMBER": m({ es: "El número no es válido.", en: "The number is not valid." }),
  "accounts.phone.LOSSY_SCIENTIFIC_NOTATION": m({
    es: "Excel convirtió el número a notación científica (p. ej. 9,87654E+08) y se perdieron dígitos. Formatee la columna como texto y vuelva a exportar.",
    en: "Excel turned the number into scientific notation (e.g. 9.87654E+08) and digits were lost. Format the column as text and export again.",
  }),
  "accounts.phone.LANDLINE": m({
    es: "Es un teléfono fijo: no puede recibir WhatsApp ni SMS. Use un celular.",
    en: "It is a landline: it cannot receive WhatsApp or SMS. Use a mobile number.",
  }),
  "accounts.review.bad_place_id": m({ es: "Un Place ID de Google tiene letras, números, - y _ (p. ej. ChIJ…).", en: "A Google Place ID has letters, digits, - and _ (e.g. ChIJ…)." }),
  "accounts.review.maps_share_link": m({
    es: "Un enlace para compartir de Google Maps (maps.app.goo.gl, goo.gl, google.com/maps) abre el mapa, no la página de reseñas. Use el enlace «Pedir reseñas» de su Perfil de Empresa (https://g.page/r/…/review) o su Place ID (ChIJ…).",
    en: "A Google Maps share link (maps.app.goo.gl, goo.gl, google.com/maps) opens the map, not the review page. Use the “Ask for reviews” link of your Business Profile (https://g.page/r/…/review) or your Place ID (ChIJ…).",
  }),
  "accounts.review.g_page_not_review": m({
    es: "Ese enlace de g.page no es el de reseñas: debe tener la forma https://g.page/r/…/review.",
    en: "That g.page link is not the review link: it must look like https://g.page/r/…/review.",
  }),
  "accounts.review.not_google_review_link": m({
    es: "Use un Place ID de Google (ChIJ…), un enlace https://g.page/r/…/review o un enlace https://search.google.com/local/writereview?placeid=…",
    en: "Use a Google Place ID (ChIJ…), a https://g.page/r/…/review link or a https://search.google.com/local/writereview?placeid=… link.",
  }),
};
