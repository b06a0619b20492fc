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
  "Un enlace para compartir de Google Maps (maps.app.goo.gl, goo.gl, google.com/maps) abre el mapa, no la página de reseñas. Use el enlace «Pedir reseñas» de su Perfil de Empresa (https://g.page/r/…/review) o su Place ID (ChIJ…).":
    "A Google Maps share link (maps.app.goo.gl, goo.gl, google.com/maps) opens the map, not the review page. Use the “Ask for reviews” link of your Business Profile (https://g.page/r/…/review) or your Place ID (ChIJ…).",
  "Ese enlace de g.page no es el de reseñas: debe tener la forma https://g.page/r/…/review.": "That g.page link is not the review link: it must look like https://g.page/r/…/review.",
  "Use un Place ID de Google (ChIJ…), un enlace https://g.page/r/…/review o un enlace https://search.google.com/local/writereview?placeid=…":
    "Use a Google Place ID (ChIJ…), a https://g.page/r/…/review link or a https://search.google.com/local/writereview?placeid=… link.",
  "Use HH:mm (00:00–23:59).": "Use HH:mm (00:00–23:59).",
  "Use un número en formato E.164 (+593…) o un Messaging Service SID (MG…).": "Use an E.164 number (+593…) or a Messaging Service SID (MG…).",
  "Use un número entero de días.": "Use a whole number of days.",
  "Use un número entero de 0 a 1000.": "Use a whole number from 0 to 1000.",
  "Ya existe un usuario con este correo.": "A user with this email already exists.",
  "Ya existe una cuenta con este correo. Inicie sesión o use otro correo.": "An account with this email already exists. Sign in or use another email.",
  "Zona horaria desconocida (use un nombre IANA, p. ej. America/Guayaquil).": "Unknown time zone (use an IANA name, e.g. America/Guayaquil).",
  "Falta el número de teléfono.": "The phone number is missing.",
  "No es un número de teléfono.": "Not a phone number.",
  "El número es demasiado corto.": "The number is too short.",
  "El número es demasiado largo.": "The number is too long.",
  "No se reconoce el código de país.": "Unknown country code.",
  "El número no es válido.": "The number is not valid.",
  // Sign-up (@rm/accounts signup-verification.ts)
  "Ingrese su número de celular.": "Enter your mobile number.",
  // Inbox (@rm/inbox)
  "Estado desconocido.": "Unknown status.",
  "Origen desconocido.": "Unknown source.",
  "Valor de detractores desconocido.": "Unknown detractor filter value.",
  "Consultorio desconocido.": "Unknown practice.",
  "Enlace de página no válido.": "Invalid page link.",
  "Elija un estado.": "Choose a status.",
  "Las notas pueden tener hasta 5000 caracteres.": "Notes can have up to 5000 characters.",
  "Este elemento cambió mientras lo editaba (otra persona o una nueva respuesta del paciente). Revise los cambios y guarde de nuevo.":
    "This item changed while you were editing it (someone else, or a new answer from the patient). Check the changes and save again.",
  // Campaign creation (upload, drafts, send to one patient)
  "Escriba un nombre para la campaña.": "Write a name for the campaign.",
  "Elija un consultorio.": "Choose a practice.",
  "Elija un médico del espacio de trabajo.": "Choose a doctor of the workspace.",
  "Elija el archivo CSV con las citas.": "Choose the CSV file with the appointments.",
  "Escriba el nombre del paciente.": "Write the patient's name.",
  "El paciente debe aceptar recibir el mensaje.": "The patient must agree to receive the message.",
  "El consultorio no existe en este espacio de trabajo.": "The practice does not exist in this workspace.",
  "Es un teléfono fijo: no puede recibir WhatsApp ni SMS. Use un celular.": "It is a landline: it cannot receive WhatsApp or SMS. Use a mobile number.",
  "El borrador expiró: suba el archivo de nuevo.": "The draft expired: upload the file again.",
  "Elija un archivo CSV y envíe el formulario de nuevo.": "Choose a CSV file and send the form again.",
  // Campaign page (cancel, opt-out, erase).
  "Confirme la acción antes de continuar.": "Confirm the action before continuing.",
  "Acción desconocida.": "Unknown action.",
};

const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Por ahora solo se puede crear una cuenta con un celular de: (.*)\.$/, (m) => `For now an account can only be created with a mobile phone from: ${m[1]}.`],
  [/^Máximo (\d+) caracteres\.$/, (m) => `At most ${m[1]} characters.`],
  [/^Variables desconocidas: (.*?)\. Use solo: (.*)\.$/, (m) => `Unknown variables: ${m[1]}. Use only: ${m[2]}.`],
  [/^El archivo supera el tamaño máximo de (\d+) MB\. Divídalo en varios archivos\.$/, (m) => `The file is over the ${m[1]} MB limit. Split it into several files.`],
  [/^El archivo es demasiado grande \(máximo (\d+) MB\)\. No se creó nada\.$/, (m) => `The file is too large (at most ${m[1]} MB). Nothing was created.`],
  [/^Faltan columnas obligatorias: (.*?)\. .*$/, (m) => `Required columns are missing: ${m[1]}. The first row must hold the titles, e.g. nombre;telefono;fecha;hora;consentimiento.`],
  [/^Créditos insuficientes: se necesitan (\d+), hay (-?\d+) disponibles \(faltan (\d+)\)\.$/, (m) => `Not enough credits: ${m[1]} needed, ${m[2]} available (${m[3]} missing).`],
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
