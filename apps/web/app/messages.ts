// English versions of Spanish messages the server still sends back as text (field errors and rule
// violations from packages not yet on catalogue codes), shown when the interface is in English.
// Messages that come as codes with parameters (@rm/accounts' users, practices, settings and
// password rules; decision 010) are not here: the page formats them from the catalogue. The sign-up
// form still reads the account rules' Spanish text, so their entries stay until it moves to codes.
const EXACT: Record<string, string> = {
  "El correo es demasiado largo.": "The email is too long.",
  "El nombre es demasiado largo (máximo 120 caracteres).": "The name is too long (at most 120 characters).",
  "Escriba el texto.": "Write the text.",
  "Ingrese un correo electrónico válido.": "Enter a valid email.",
  "Ingrese un correo electrónico.": "Enter an email.",
  "Ingrese un nombre.": "Enter a name.",
  "Ingrese una contraseña.": "Enter a password.",
  "La contraseña debe tener al menos 10 caracteres.": "The password must have at least 10 characters.",
  "La contraseña es demasiado larga (máximo 200 caracteres).": "The password is too long (at most 200 characters).",
  "Un Content SID empieza con HX y tiene 34 caracteres.": "A Content SID starts with HX and has 34 characters.",
  "Ya existe una cuenta con este correo. Inicie sesión o use otro correo.": "An account with this email already exists. Sign in or use another email.",
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
