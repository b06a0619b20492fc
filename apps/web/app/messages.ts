// English versions of Spanish messages the server still sends back as text (field errors and rule
// violations from packages not yet on catalogue codes), shown when the interface is in English.
// Everything else comes as a catalogue code with parameters (decision 029) and is formatted by the
// page: @rm/accounts' rules (users, practices, settings, sign-up and its phone checks) and
// @rm/importer's (every row problem, file error, warning and campaign refusal). What remains here
// is what @rm/accounts' message templates and @rm/inbox still send as Spanish.
const EXACT: Record<string, string> = {
  // Message templates (@rm/accounts templates.ts)
  "Escriba el texto.": "Write the text.",
  "Un Content SID empieza con HX y tiene 34 caracteres.": "A Content SID starts with HX and has 34 characters.",
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
};

const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  // Message templates (@rm/accounts templates.ts)
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
