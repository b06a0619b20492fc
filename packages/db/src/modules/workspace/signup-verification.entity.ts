import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "./workspace.entity.ts";

/**
 * One sign-up verification code sent by SMS to the would-be owner's phone (SPEC §17, decision 024).
 * The workspace exists from the first code on but has no user until a code is confirmed; the owner's
 * name, email and password hash wait here. Only an HMAC of the code is stored. The rows are also the
 * count of codes sent per phone, number prefix and client IP (SMS-pumping caps).
 */
export const SignupVerificationSchema = defineEntity({
  name: "SignupVerification",
  tableName: "signup_verifications",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    /** E.164. */
    phone: p.text(),
    /** The country calling code and the first national digits ("+59399"): pumping rings rotate the rest. */
    phonePrefix: p.text(),
    /** The client IP (trusted-proxy aware) that asked for the code. */
    ip: p.text().nullable(),
    email: p.text().lowercase().trim().check("email = lower(email)"),
    name: p.text(),
    passwordHash: p.text().hidden(),
    /** "es" or "en": the language of the SMS and of the owner's first pages. */
    locale: p.text().check("locale in ('es', 'en')"),
    /** HMAC-SHA256 of the code (hex), keyed by the server's secret and this row's id. */
    codeHash: p.text().hidden(),
    expiresAt: p.datetime(),
    attempts: p.integer().default(0).check("attempts >= 0"),
    /** The `messages` row that carries the code (the send protocol's), for the status shown on the page. */
    messageId: p.uuid().nullable(),
    /** Set when the code was confirmed, or when a newer code replaced this one. */
    verifiedAt: p.datetime().nullable(),
    supersededAt: p.datetime().nullable(),
    /** This phone's confirmation granted the FREE credits: at most once per phone, across workspaces. */
    creditsGranted: p.boolean().default(false),
    createdAt: createdAt(),
  },
  indexes: [
    { name: "signup_verifications_phone_idx", properties: ["phone", "createdAt"] },
    { name: "signup_verifications_prefix_idx", properties: ["phonePrefix", "createdAt"] },
    { name: "signup_verifications_ip_idx", properties: ["ip", "createdAt"] },
  ],
  uniques: [{ name: "signup_verifications_credits_once_per_phone_uq", properties: ["phone"], where: "credits_granted" }],
});

export class SignupVerification extends SignupVerificationSchema.class {
  override id: string = newId();
}
SignupVerificationSchema.setClass(SignupVerification);
