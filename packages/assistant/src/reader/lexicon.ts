// The word tables of the question reader (SPEC §16). Words are written as tokenize() leaves them
// (lowercase, no accents); each maps to a concept, and the scoring in read-question.ts says how concepts
// point at a knowledge topic. Adding a word is a product decision: it may turn a patient's message into
// an automatic answer. Spanish first (Ecuador), with the plain English of an English-speaking patient.

export type Concept =
  | "SCHEDULE" // horario: the hours themselves
  | "OPEN" // abren, abierto, cierran
  | "HOUR" // hora, horas
  | "ATTEND" // atienden, atencion
  | "DAY" // a weekday, a holiday, today, noon
  | "WHERE" // donde
  | "LOCATE" // direccion, ubicacion, mapa
  | "LIE" // queda, quedan, ubicados (where something lies)
  | "FLOOR" // piso, oficina, edificio
  | "LOST" // perdido, llegar
  | "PRICE" // precio, cuesta, vale, costo
  | "HOW_MUCH" // cuanto
  | "COME_TO" // sale ("¿cuánto me sale?")
  | "INSURANCE" // seguro, convenio, IESS
  | "COVER" // cubre
  | "BOOK" // cita, turno, agendar
  | "AVAILABLE" // disponible
  | "PAY" // pagar, tarjeta, transferencia, cuotas
  | "PARK" // parqueadero, estacionamiento
  | "OFFER" // hacen, ponen, tienen, ofrecen
  | "SERVICES" // servicios, tratamientos, especialidades
  | "DENTAL" // diente, muela, dental: the mouth, neither a service nor unknown
  | "DOCTOR" // doctor, doctora, odontologo
  | "CLINICAL" // a question about symptoms or medicine: never answered automatically
  | "DURATION" // tiempo, demora, dura: "¿cuánto dura?" asks for a time, not a price
  | "REQUEST" // agendar, quiero, necesito, pedir: an appointment asked for, not one that exists
  | "REPORT" // comprobante, pagué, llegué: the patient reports something to staff
  | "OTHER_PLACE"; // farmacia, laboratorio, centro comercial: a place that is not the practice

const WORDS: Record<Concept, readonly string[]> = {
  SCHEDULE: ["horario", "horarios", "hours", "schedule", "opening"],
  OPEN: ["abren", "abre", "abrir", "abierto", "abiertos", "abierta", "abiertas", "cierran", "cierra", "cerrar", "cerrado", "cerrados", "cerrada", "open", "close", "closed", "closes", "opens"],
  HOUR: ["hora", "horas", "time"],
  ATTEND: ["atienden", "atiende", "atender", "atencion", "atendiendo", "trabajan"],
  DAY: [
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "sabados", "domingo", "domingos",
    "feriado", "feriados", "festivo", "festivos", "fin", "semana", "dias", "dia", "mediodia", "hoy", "manana", "noche", "tarde",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "saturdays", "sunday", "sundays", "holiday", "holidays", "today", "weekend",
  ],
  WHERE: ["donde", "adonde", "where"],
  LOCATE: ["direccion", "ubicacion", "ubicados", "ubicado", "ubicada", "ubican", "mapa", "address", "location", "located", "map"],
  LIE: ["queda", "quedan", "estan", "encuentran"],
  FLOOR: ["piso", "oficina", "edificio", "floor", "building"],
  LOST: ["perdido", "perdida", "llegar", "llego", "get"],
  PRICE: ["precio", "precios", "cuesta", "cuestan", "costo", "costos", "cuestas", "vale", "valen", "valor", "cobran", "cobra", "tarifa", "tarifas", "price", "prices", "cost", "costs", "fee", "fees"],
  HOW_MUCH: ["cuanto", "cuanta", "much"],
  COME_TO: ["sale", "salen", "saldria"],
  INSURANCE: ["seguro", "seguros", "aseguradora", "aseguradoras", "convenio", "convenios", "reembolso", "iess", "insurance", "insurer"],
  COVER: ["cubre", "cubren", "cobertura", "cover", "covers"],
  // "cita" and "turno" name an appointment; only with a REQUEST word do they ask for one (below).
  BOOK: ["cita", "citas", "turno", "turnos", "agendar", "agendo", "agenda", "agendarme", "reagendar", "reprogramar", "reservar", "reserva", "disponibilidad", "appointment", "book", "booking", "reschedule"],
  AVAILABLE: ["disponible", "disponibles", "espacio", "cupo", "cupos", "available"],
  PAY: [
    "pagar", "pago", "pagos", "pagan", "tarjeta", "tarjetas", "transferencia", "transferencias", "efectivo", "cuotas", "diferido", "diferir",
    "credito", "debito", "deuna", "visa", "mastercard", "diners", "payphone", "cheque", "pay", "payment", "card", "cash", "transfer", "installments",
  ],
  PARK: ["parqueadero", "parqueaderos", "parqueo", "parquear", "estacionamiento", "estacionar", "aparcar", "garaje", "parking", "park"],
  OFFER: ["hacen", "hace", "ponen", "pone", "tienen", "tiene", "ofrecen", "ofrece", "realizan", "realiza", "atienden", "offer", "do"],
  SERVICES: ["servicios", "servicio", "tratamientos", "tratamiento", "especialidades", "especialidad", "services", "treatments"],
  DURATION: ["tiempo", "dura", "duran", "demora", "demoran", "tarda", "tardan", "minutos", "long"],
  REQUEST: [
    "agendar", "agendarme", "reagendar", "reprogramar", "reservar", "cambiar", "cancelar", "mover", "pedir", "sacar", "separar", "quiero", "quisiera",
    "necesito", "deseo", "puedo", "podria", "otra", "otro", "nueva", "disponibilidad", "como", "book", "make", "need", "want", "schedule", "reschedule", "can",
  ],
  REPORT: ["comprobante", "pague", "transferi", "deposite", "llegue", "envie", "mande", "adjunto", "receipt", "paid", "arrived"],
  OTHER_PLACE: [
    "farmacia", "laboratorio", "hospital", "banco", "supermercado", "tienda", "comercial", "gasolinera", "iglesia", "colegio", "escuela", "universidad",
    "restaurante", "cafeteria", "mall", "pharmacy", "lab", "laboratory", "bank", "lado",
  ],
  DENTAL: ["diente", "dientes", "muela", "muelas", "dental", "dentales", "boca", "encia", "encias", "tooth", "teeth"],
  DOCTOR: ["doctor", "doctora", "odontologo", "odontologa", "dentista", "dentist"],
  CLINICAL: [
    "normal", "duele", "duela", "duelen", "dolor", "molesta", "molestia", "tomar", "pastilla", "pastillas", "medicina", "medicamento",
    "ibuprofeno", "paracetamol", "amoxicilina", "antibiotico", "antibioticos", "analgesico", "recomienda", "recomiendan", "recomendar",
    "sensibilidad", "sensible", "dormida", "dormido", "anestesia", "infeccion", "receta", "sintoma", "sintomas", "embarazada",
    "medicine", "pill", "pills", "painkiller", "recommend", "sensitivity",
  ],
};

/** Built-in names of dental services a patient uses for the ones the owner lists ("sacar una muela" is an extraction). */
export const SERVICE_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  limpieza: ["profilaxis", "limpiesa", "cleaning"],
  extraccion: ["sacar", "extraer", "extracciones", "extraction"],
  blanqueamiento: ["blanquear", "whitening"],
  ortodoncia: ["brackets", "frenillos", "braces", "orthodontics"],
  implantes: ["implante", "implants", "implant"],
  odontopediatria: ["odontopediatra", "ninos", "nino", "ninas", "nina", "pediatrica", "children", "kids"],
  endodoncia: ["conducto", "conductos", "endodoncias"],
  protesis: ["dentadura", "placa", "dentures"],
  calza: ["calzas", "resina", "resinas", "relleno", "empaste", "filling"],
  consulta: ["valoracion", "chequeo", "revision", "consultation", "checkup"],
};

/**
 * Words that carry no topic and are not a thing asked about: greetings, articles, pronouns, auxiliaries.
 * A content word outside every table and this list is "unknown": a price question about an unknown thing
 * ("¿cuánto cuesta el parqueadero del centro comercial?") is not a question about the practice's prices.
 */
export const FUNCTION_WORDS = new Set([
  "a", "al", "algo", "alguna", "alguno", "ahi", "alla", "aqui", "buenas", "buenos", "buen", "como", "con", "cual", "cuales", "de", "del", "el", "ella", "ellos",
  "en", "es", "esta", "este", "esto", "estoy", "favor", "gracias", "hay", "hola", "la", "las", "le", "les", "lo", "los", "me", "mi", "mis", "mas", "muy", "nos",
  "o", "para", "pero", "por", "puede", "pueden", "puedo", "podria", "podrian", "que", "quiero", "quisiera", "saber", "se", "ser", "si", "sin", "su", "sus",
  "tambien", "te", "tengo", "todo", "tu", "un", "una", "uno", "unos", "usted", "ustedes", "y", "ya", "necesito", "desde", "hasta", "otra", "otro", "mismo",
  "the", "a", "an", "is", "are", "do", "does", "you", "your", "i", "my", "can", "how", "what", "when", "which", "of", "for", "to", "in", "on", "at", "please", "hi", "hello",
  "senor", "senora", "senorita", "saludos", "dias", "tardes", "noches", "qu", "estimado", "estimada",
  // The practice itself: "la dirección del consultorio" asks about this place, not another one.
  "consultorio", "clinica", "centro", "odontologico", "odontologica", "ustedes", "aca", "alli",
]);

/** Every table word with its concepts (a word may carry two: "atienden" is ATTEND and OFFER). */
export const LEXICON: ReadonlyMap<string, readonly Concept[]> = (() => {
  const map = new Map<string, Concept[]>();
  for (const [concept, words] of Object.entries(WORDS) as [Concept, readonly string[]][]) {
    for (const w of words) map.set(w, [...(map.get(w) ?? []), concept]);
  }
  return map;
})();
