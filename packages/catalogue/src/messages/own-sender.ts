import { m } from "../define.ts";

/** The practice's own Twilio account and sender (SPEC §12): the settings page "Número propio". */
export const ownSender = {
  "ownSender.title": m({ es: "Número propio (Twilio)", en: "Own number (Twilio)" }),
  "ownSender.intro": m({
    es: "Conecte la cuenta de Twilio de su consulta para que los pacientes vean su número y le respondan a él. Mientras no la conecte, los mensajes salen por los remitentes de la plataforma.",
    en: "Connect your practice's Twilio account so that patients see your number and reply to it. Until you connect one, messages go out on the platform's senders.",
  }),
  // The product decision on credits (SPEC §12): one billing model, so an own account is no way around plans.
  "ownSender.credits": m({
    es: "Créditos: los mensajes que salen por su propia cuenta de Twilio siguen descontando créditos de su plan. Twilio factura directamente a su consulta el costo del operador de cada SMS o mensaje de WhatsApp; los créditos pagan el servicio de la plataforma: envíos programados, respuestas, estadísticas y bandeja de entrada.",
    en: "Credits: messages sent through your own Twilio account still use your plan's credits. Twilio bills your practice directly for each SMS or WhatsApp message's carrier cost; credits pay for the platform's service: scheduled sending, replies, analytics and the inbox.",
  }),
  "ownSender.billingNote": m<{ sid: string }>({
    es: "Su consulta tiene conectada su propia cuenta de Twilio ({sid}). Los mensajes que salen por ella los factura Twilio directamente a su consulta y aquí siguen descontando créditos, que pagan el servicio de la plataforma.",
    en: "Your practice has its own Twilio account connected ({sid}). Messages sent through it are billed by Twilio directly to your practice and still count credits here, which pay for the platform's service.",
  }),
  "ownSender.billingNote.link": m({ es: "Ver el número propio", en: "See the own number settings" }),
  "ownSender.back": m({ es: "← Ajustes", en: "← Settings" }),
  "ownSender.settingsLink": m({ es: "Número propio: conectar la cuenta de Twilio de su consulta", en: "Own number: connect your practice's Twilio account" }),
  "ownSender.notConfigured": m({
    es: "Esta instalación no tiene configurado el cifrado de credenciales, así que no se pueden conectar cuentas propias. Los mensajes salen por los remitentes de la plataforma.",
    en: "This installation has no credentials encryption configured, so own accounts cannot be connected. Messages go out on the platform's senders.",
  }),
  "ownSender.connected": m<{ sid: string; last4: string; kind: string }>({
    es: "Cuenta conectada: {sid} ({kind, select, SUBACCOUNT {subcuenta creada por la plataforma} other {cuenta de su consulta}}), token terminado en {last4}.",
    en: "Connected account: {sid} ({kind, select, SUBACCOUNT {subaccount created by the platform} other {your practice's account}}), token ending in {last4}.",
  }),
  "ownSender.sender.current": m<{ sender: string }>({ es: "Los SMS salen desde {sender}.", en: "SMS go out from {sender}." }),
  "ownSender.sender.none": m({
    es: "Aún no ha elegido un número ni un servicio de mensajería: los SMS siguen saliendo por la plataforma.",
    en: "No number or Messaging Service chosen yet: SMS still go out on the platform's sender.",
  }),
  "ownSender.connect.title": m({ es: "Conectar la cuenta de Twilio de su consulta", en: "Connect your practice's Twilio account" }),
  "ownSender.connect.replaceTitle": m({ es: "Cambiar de cuenta o introducir un token nuevo", en: "Change account or enter a new token" }),
  "ownSender.field.accountSid": m({ es: "Account SID", en: "Account SID" }),
  "ownSender.field.accountSid.hint": m({ es: "Empieza por AC; está en la portada de la consola de Twilio.", en: "Starts with AC; it is on the Twilio console's home page." }),
  "ownSender.field.authToken": m({ es: "Auth Token", en: "Auth Token" }),
  "ownSender.field.authToken.hint": m<{ hours: number }>({
    es: "Se comprueba con Twilio antes de guardarlo, se guarda cifrado y no se vuelve a mostrar. Si cambia el token en Twilio, introdúzcalo aquí de nuevo: el anterior sigue valiendo {hours, plural, one {# hora} other {# horas}} para los avisos que Twilio ya firmó.",
    en: "It is checked with Twilio before it is saved, stored encrypted and never shown again. If you change the token at Twilio, enter it here again: the previous one stays valid for {hours, plural, one {# hour} other {# hours}} for notifications Twilio already signed.",
  }),
  "ownSender.connect.submit": m({ es: "Comprobar y conectar", en: "Check and connect" }),
  "ownSender.subaccount.title": m({ es: "O pida una subcuenta a la plataforma", en: "Or ask the platform for a subaccount" }),
  "ownSender.subaccount.hint": m({
    es: "La plataforma crea una subcuenta de Twilio solo para este espacio de trabajo; luego se le asigna un número.",
    en: "The platform creates a Twilio subaccount for this workspace alone; a number is then assigned to it.",
  }),
  "ownSender.subaccount.name": m({ es: "Nombre de la subcuenta", en: "Subaccount name" }),
  "ownSender.subaccount.submit": m({ es: "Crear subcuenta", en: "Create subaccount" }),
  "ownSender.senders.title": m({ es: "Números y servicios de mensajería de la cuenta", en: "The account's numbers and Messaging Services" }),
  "ownSender.senders.legend": m({ es: "Remitente de los SMS", en: "SMS sender" }),
  "ownSender.senders.number": m<{ phone: string }>({ es: "Número {phone}", en: "Number {phone}" }),
  "ownSender.senders.service": m<{ name: string; sid: string }>({ es: "Servicio de mensajería «{name}» ({sid})", en: "Messaging Service \"{name}\" ({sid})" }),
  "ownSender.senders.none": m({ es: "Esta cuenta no tiene números ni servicios de mensajería.", en: "This account has no numbers or Messaging Services." }),
  "ownSender.senders.hint": m({
    es: "Al elegirlo, la aplicación configura en Twilio a dónde llegan las respuestas y los avisos de entrega: no hace falta tocar la consola.",
    en: "When you choose it, the app sets at Twilio where replies and delivery notices go: no need to touch the console.",
  }),
  "ownSender.senders.submit": m({ es: "Usar este remitente", en: "Use this sender" }),
  "ownSender.disconnect.hint": m({ es: "Al desconectar, los envíos vuelven a los remitentes de la plataforma.", en: "After disconnecting, messages go out on the platform's senders again." }),
  "ownSender.disconnect.submit": m({ es: "Desconectar la cuenta", en: "Disconnect the account" }),
  "ownSender.notice.connected": m({ es: "Cuenta de Twilio conectada. Elija ahora el número que usará.", en: "Twilio account connected. Now choose the number to use." }),
  "ownSender.notice.chosen": m({ es: "Remitente guardado y configurado en Twilio.", en: "Sender saved and configured at Twilio." }),
  "ownSender.notice.disconnected": m({ es: "Cuenta desconectada: se envía con los remitentes de la plataforma.", en: "Account disconnected: messages go out on the platform's senders." }),
  "ownSender.notice.disconnectedUncleared": m<{ sender: string }>({
    es: "Cuenta desconectada: se envía con los remitentes de la plataforma. No se pudieron quitar en Twilio las direcciones de respuestas y avisos que la aplicación puso en {sender}; quítelas en la consola de Twilio para que no lleguen aquí.",
    en: "Account disconnected: messages go out on the platform's senders. The reply and notice addresses the app set on {sender} could not be removed at Twilio; remove them in the Twilio console so they stop arriving here.",
  }),
  "ownSender.error.refused": m({ es: "Twilio rechazó estas credenciales. Revise el Account SID y el Auth Token.", en: "Twilio refused these credentials. Check the Account SID and the Auth Token." }),
  "ownSender.error.unreachable": m({ es: "No se pudo comprobar con Twilio; inténtelo de nuevo en unos minutos.", en: "Twilio could not be reached to check; try again in a few minutes." }),
  "ownSender.error.inactive": m({ es: "La cuenta de Twilio no está activa (suspendida o cerrada).", en: "The Twilio account is not active (suspended or closed)." }),
  "ownSender.error.sidFormat": m({ es: "El Account SID empieza por AC y tiene 34 caracteres.", en: "The Account SID starts with AC and has 34 characters." }),
  "ownSender.error.tokenFormat": m({ es: "El Auth Token tiene 32 caracteres (números y letras de la a a la f).", en: "The Auth Token has 32 characters (digits and letters a to f)." }),
  "ownSender.error.platform": m({ es: "Esa es la cuenta de la plataforma, no la de su consulta.", en: "That is the platform's account, not your practice's." }),
  "ownSender.error.taken": m({ es: "Esta cuenta de Twilio ya está conectada a otro espacio de trabajo.", en: "This Twilio account is already connected to another workspace." }),
  "ownSender.error.notConnected": m({ es: "Conecte primero una cuenta de Twilio.", en: "Connect a Twilio account first." }),
  "ownSender.error.senderUnknown": m({ es: "Elija un número o un servicio de mensajería de la lista.", en: "Choose a number or a Messaging Service from the list." }),
  "ownSender.error.subaccountsOff": m({ es: "Esta instalación no puede crear subcuentas.", en: "This installation cannot create subaccounts." }),
};
