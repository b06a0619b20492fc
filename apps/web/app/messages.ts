// English versions of the Spanish messages the server sends back with a form (field errors and
// rule violations from @rm/accounts and @rm/domain). Shown when the interface is in English.
const EXACT: Record<string, string> = {
  "Código de país de 2 letras (EC).": "Two-letter country code (EC).",
  "El correo es demasiado largo.": "The email is too long.",
  "El enlace no es válido o ya expiró. Pida uno nuevo al propietario.": "The link is invalid or expired. Ask the owner for a new one.",
  "El espacio de trabajo necesita al menos un propietario.": "The workspace needs at least one owner.",
  "El inicio y el fin no pueden ser iguales.": "Start and end cannot be the same.",
  "El nombre es demasiado largo (máximo 120 caracteres).": "The name is too long (at most 120 characters).",
  "El plan FREE permite un solo usuario. Mejore su plan en Facturación para invitar a más personas.":
    "The FREE plan allows one user. Upgrade your plan in Billing to invite more people.",
  "Elija un canal.": "Choose a channel.",
  "Elija un rol.": "Choose a role.",
  "Elija una política.": "Choose a policy.",
  "Escriba el texto.": "Write the text.",
  "Ingrese su contraseña actual.": "Enter your current password.",
  "Ingrese un correo electrónico válido.": "Enter a valid email.",
  "Ingrese un correo electrónico.": "Enter an email.",
  "Ingrese un nombre.": "Enter a name.",
  "Ingrese un número de días.": "Enter a number of days.",
  "Ingrese una contraseña.": "Enter a password.",
  "La contraseña actual no es correcta.": "The current password is not correct.",
  "La contraseña debe tener al menos 10 caracteres.": "The password must have at least 10 characters.",
  "La contraseña es demasiado larga (máximo 200 caracteres).": "The password is too long (at most 200 characters).",
  "Las contraseñas no coinciden.": "The passwords do not match.",
  "Máximo 365 días.": "At most 365 days.",
  "No puede ser negativo.": "Cannot be negative.",
  "Para activar el filtrado debe confirmar que leyó la advertencia.": "To turn on gating you must confirm that you read the warning.",
  "Un Content SID empieza con HX y tiene 34 caracteres.": "A Content SID starts with HX and has 34 characters.",
  "Un Place ID de Google tiene letras, números, - y _ (p. ej. ChIJ…).": "A Google Place ID has letters, digits, - and _ (e.g. ChIJ…).",
  "Use HH:mm (00:00–23:59).": "Use HH:mm (00:00–23:59).",
  "Use un número en formato E.164 (+593…) o un Messaging Service SID (MG…).": "Use an E.164 number (+593…) or a Messaging Service SID (MG…).",
  "Use un número entero de días.": "Use a whole number of days.",
  "Ya existe un usuario con este correo.": "A user with this email already exists.",
  "Ya existe una cuenta con este correo. Inicie sesión o use otro correo.": "An account with this email already exists. Sign in or use another email.",
  "Zona horaria desconocida (use un nombre IANA, p. ej. America/Guayaquil).": "Unknown time zone (use an IANA name, e.g. America/Guayaquil).",
  "Falta el número de teléfono.": "The phone number is missing.",
  "No es un número de teléfono.": "Not a phone number.",
  "El número es demasiado corto.": "The number is too short.",
  "El número es demasiado largo.": "The number is too long.",
  "No se reconoce el código de país.": "Unknown country code.",
  "El número no es válido.": "The number is not valid.",
  // Campaign page (cancel, opt-out, erase).
  "Confirme la acción antes de continuar.": "Confirm the action before continuing.",
  "Acción desconocida.": "Unknown action.",
};

const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Máximo (\d+) caracteres\.$/, (m) => `At most ${m[1]} characters.`],
  [/^Variables desconocidas: (.*?)\. Use solo: (.*)\.$/, (m) => `Unknown variables: ${m[1]}. Use only: ${m[2]}.`],
];

export function translateMessage(message: string, locale: string): string {
  if (locale !== "en") return message;
  const exact = EXACT[message];
  if (exact) return exact;
  for (const [re, fn] of PATTERNS) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}
