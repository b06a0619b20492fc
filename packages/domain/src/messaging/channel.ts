/** The two channels a patient can be reached on. WhatsApp is the default in Ecuador (SPEC §5). */
export const CHANNELS = ["SMS", "WHATSAPP"] as const;
export type Channel = (typeof CHANNELS)[number];
