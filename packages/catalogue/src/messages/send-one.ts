import { m } from "../define.ts";

/** Sending one patient's rating request at the desk (the receptionist's checkout flow). */
export const sendOne = {
  "sendOne.sendToOnePatient": m({ es: "Enviar a un paciente ahora", en: "Send to one patient now" }),
  "sendOne.uploadAListCsv": m({ es: "Subir una lista (CSV)", en: "Upload a list (CSV)" }),
  "sendOne.ratingRequestScheduledFor": m<{ when: string }>({ es: "solicitud de calificación programada para {when}.", en: "rating request scheduled for {when}." }),
  "sendOne.requestRecorded": m({ es: "solicitud registrada.", en: "request recorded." }),
  "sendOne.seeCampaign": m({ es: "Ver campaña", en: "See campaign" }),
  "sendOne.aPracticeIsNeeded": m({ es: "Primero hace falta un consultorio.", en: "A practice is needed first." }),
  "sendOne.creditsAreMissing": m<{ missing: string }>({ es: "Faltan {missing} créditos.", en: "{missing} credits are missing." }),
  "sendOne.askTheOwnerTo": m({ es: "Pida al propietario que compre créditos en Facturación.", en: "Ask the owner to buy credits in Billing." }),
  "sendOne.patientName": m({ es: "Nombre del paciente", en: "Patient name" }),
  "sendOne.mobilePhone": m({ es: "Celular", en: "Mobile phone" }),
  "sendOne.forExampleOr": m({ es: "Por ejemplo 098 765 4321 o +593 98 765 4321.", en: "For example 098 765 4321 or +593 98 765 4321." }),
  "sendOne.appointmentTypeOptional": m({ es: "Tipo de cita (opcional)", en: "Appointment type (optional)" }),
  "sendOne.thePatientAgreedTo": m({ es: "El paciente aceptó recibir este mensaje.", en: "The patient agreed to receive this message." }),
  "sendOne.thePatientMustAgree": m({ es: "El paciente debe aceptar recibir el mensaje.", en: "The patient must agree to receive the message." }),
  "sendOne.sendRequest": m({ es: "Enviar solicitud", en: "Send request" }),
  "sendOne.skipped.OPTED_OUT": m({ es: "no se envió: el paciente pidió no recibir mensajes.", en: "not sent: the patient opted out." }),
  "sendOne.skipped.ERASED": m({ es: "no se envió: los datos del paciente fueron borrados a su pedido.", en: "not sent: the patient's data was erased at their request." }),
  "sendOne.skipped.COOLDOWN": m({ es: "no se envió: ya se le pidió una calificación hace poco (periodo de espera).", en: "not sent: they were asked recently (cooldown)." }),
  "sendOne.skipped.APPOINTMENT_TOO_OLD": m({ es: "no se envió: la cita es demasiado antigua.", en: "not sent: the appointment is too old." }),
};
