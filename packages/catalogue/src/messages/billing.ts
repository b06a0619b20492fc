import { m } from "../define.ts";

/** Billing pages: plans, Stripe Checkout's return pages. */
export const billing = {
  "billing.plan.FREE": m({ es: "Gratis", en: "Free" }),
  "billing.plan.STARTER": m({ es: "Starter", en: "Starter" }),
  "billing.plan.PROFESSIONAL": m({ es: "Professional", en: "Professional" }),
  "billing.plan.ENTERPRISE": m({ es: "Enterprise", en: "Enterprise" }),
  "billing.success.title": m({ es: "¡Gracias! Recibimos su pago", en: "Thank you! We received your payment" }),
  "billing.success.applied": m<{ plan: string }>({
    es: "Su plan ahora es {plan}. Los créditos del período ya están disponibles.",
    en: "Your plan is now {plan}. This period's credits are available.",
  }),
  "billing.success.activating": m({ es: "Estamos activando su plan; esto suele tardar unos segundos.", en: "We are activating your plan; this usually takes a few seconds." }),
  "billing.back": m({ es: "Volver a Facturación", en: "Back to Billing" }),
  "billing.cancel.title": m({ es: "Pago cancelado", en: "Payment cancelled" }),
  "billing.cancel.nothingCharged": m({ es: "No se realizó ningún cobro y su plan no cambió.", en: "Nothing was charged and your plan did not change." }),
};
