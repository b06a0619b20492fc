import { m } from "../define.ts";

/** Sign-up verified by an SMS code to the owner's phone (SPEC §17, decision 024). */
export const signup = {
  "signup.title": m({ es: "Crear cuenta", en: "Create an account" }),
  "signup.intro": m({
    es: "Plan FREE: 50 créditos al mes para pedir calificaciones a sus pacientes. Sin tarjeta.",
    en: "FREE plan: 50 credits a month to ask your patients for ratings. No card needed.",
  }),
  "signup.workspaceName": m({ es: "Nombre del consultorio o clínica", en: "Practice or clinic name" }),
  "signup.name": m({ es: "Su nombre", en: "Your name" }),
  "signup.email": m({ es: "Correo electrónico", en: "Email" }),
  "signup.password": m({ es: "Contraseña", en: "Password" }),
  "signup.password.hint": m<{ min: number }>({ es: "Al menos {min} caracteres.", en: "At least {min} characters." }),
  "signup.submit": m({ es: "Crear cuenta", en: "Create account" }),
  "signup.haveAccount": m({ es: "¿Ya tiene cuenta?", en: "Already have an account?" }),
  "signup.signIn": m({ es: "Inicie sesión", en: "Sign in" }),
  "signup.phone.required": m({ es: "Ingrese su número de celular.", en: "Enter your mobile number." }),
  "signup.phone.country": m<{ country: string }>({
    es: "Por ahora solo se puede crear una cuenta con un celular de: {country}.",
    en: "For now an account can only be created with a mobile phone from: {country}.",
  }),
  "signup.emailTakenDirect": m({
    es: "Ya existe una cuenta con este correo. Inicie sesión o use otro correo.",
    en: "An account with this email already exists. Sign in or use another email.",
  }),
  "signup.phone.label": m({ es: "Su celular", en: "Your mobile phone" }),
  "signup.phone.hint": m({
    es: "Le enviaremos un código por SMS para confirmar la cuenta. Ejemplo: 099 123 4567.",
    en: "We will text you a code to confirm the account. Example: 099 123 4567.",
  }),
  "signup.sms.body": m<{ code: string; minutes: number }>({
    es: "Reputation Manager: su código es {code}. Vence en {minutes} minutos. No lo comparta.",
    en: "Reputation Manager: your code is {code}. It expires in {minutes} minutes. Do not share it.",
  }),
  "signup.verify.title": m({ es: "Confirme su celular", en: "Confirm your mobile phone" }),
  "signup.verify.intro": m<{ phone: string }>({
    es: "Si los datos son válidos, enviamos un código por SMS a {phone}. Escríbalo aquí para activar la cuenta y recibir sus créditos gratuitos.",
    en: "If the details are valid, we texted a code to {phone}. Enter it here to activate the account and receive your free credits.",
  }),
  "signup.verify.code": m({ es: "Código de 6 dígitos", en: "6-digit code" }),
  "signup.verify.submit": m({ es: "Confirmar", en: "Confirm" }),
  "signup.verify.resend": m({ es: "Enviar un código nuevo", en: "Send a new code" }),
  "signup.verify.resent": m({ es: "Enviamos un código nuevo. El anterior ya no sirve.", en: "We sent a new code. The previous one no longer works." }),
  "signup.verify.restart": m({ es: "Empezar de nuevo", en: "Start again" }),
  "signup.verify.signIn": m({ es: "Iniciar sesión", en: "Sign in" }),
  "signup.verify.status.waiting": m({ es: "Enviando el SMS…", en: "Sending the text…" }),
  "signup.verify.status.sent": m({ es: "SMS enviado.", en: "Text sent." }),
  "signup.verify.status.delivered": m({ es: "SMS entregado.", en: "Text delivered." }),
  "signup.verify.status.failed": m({
    es: "No se pudo enviar el SMS a ese número. Revise el número y empiece de nuevo.",
    en: "The text could not be sent to that number. Check the number and start again.",
  }),
  "signup.verify.none": m({ es: "No hay un registro pendiente. Empiece de nuevo.", en: "There is no pending sign-up. Start again." }),
  "signup.error.limit": m({
    es: "Se enviaron demasiados códigos. Espere una hora e inténtelo de nuevo.",
    en: "Too many codes were sent. Wait an hour and try again.",
  }),
  "signup.error.wrongCode": m({ es: "El código no es correcto.", en: "The code is not correct." }),
  "signup.error.expired": m({ es: "El código expiró. Pida uno nuevo.", en: "The code expired. Ask for a new one." }),
  "signup.error.spent": m({ es: "Demasiados intentos con este código. Pida uno nuevo.", en: "Too many tries with this code. Ask for a new one." }),
  "signup.emailTaken": m({
    es: "Su celular quedó confirmado, pero ya existe una cuenta con este correo. Inicie sesión o recupere su contraseña con el propietario de la cuenta.",
    en: "Your phone is confirmed, but an account with this email already exists. Sign in, or ask the account's owner to reset your password.",
  }),
  "signup.welcome.noCredits": m({
    es: "Este celular ya recibió los créditos gratuitos en otra cuenta: esta empieza sin créditos gratuitos.",
    en: "This phone already received the free credits in another account: this one starts without free credits.",
  }),
};
