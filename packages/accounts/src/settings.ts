// Workspace settings (SPEC §3–§5): validated with zod, saved with an audit entry. Review gating
// (`gated`) is only accepted together with the owner's explicit confirmation of the warning.
import type { EntityManager } from "@mikro-orm/postgresql";
import { Channel, Practice, ReviewPolicy, TemplateType, Workspace } from "@rm/db";
import { coded, createMsg, type Coded } from "@rm/catalogue";
import { normalizePhone, parseCountryList } from "@rm/domain";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError, ValidationError } from "./errors.ts";
import type { Actor } from "./users.ts";
import { code, nameField, parseOrThrow } from "./validation.ts";

/** The warning an owner confirms before gating (Spanish, as the audit entry records it). */
export const GATED_WARNING = createMsg("es")("settings.policy.warningText");

const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

export const timeZoneField = z
  .string()
  .trim()
  .refine(isTimeZone, code("accounts.timezone.invalid"));

/** A checkbox / select from an HTML form: "on", "true", "1", "yes" mean true. */
const formBoolean = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1" || v === "yes", z.boolean());

const optionalText = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), z.string().trim().nullable().optional());

/** A Twilio sender: E.164 phone or a Messaging Service sid (MG + 32 hex). */
const senderField = optionalText.refine(
  (v) => v == null || /^\+[1-9][0-9]{6,14}$/.test(v) || /^MG[0-9a-fA-F]{32}$/.test(v),
  code("accounts.sender.invalid"),
);

const contentSidField = optionalText.refine((v) => v == null || /^HX[0-9a-fA-F]{32}$/.test(v), code("accounts.contentSid.invalid"));

// Broadcast texts carry their own content sid; the workspace setting is for the feedback flow's types.
const AI_LIMIT_MESSAGE = code("accounts.aiDrafts.range");
const BROADCAST_CAP_MESSAGE = code("accounts.broadcastCap.range");

export const CONTENT_SID_TYPES = Object.values(TemplateType).filter((t) => t !== TemplateType.BROADCAST);

export const settingsSchema = z
  .object({
    name: nameField,
    timezone: timeZoneField,
    quietHoursEnabled: formBoolean,
    quietHoursStart: optionalText,
    quietHoursEnd: optionalText,
    contactCooldownDays: z.coerce
      .number({ error: code("accounts.cooldown.required") })
      .int(code("accounts.cooldown.whole"))
      .min(0, code("accounts.cooldown.negative"))
      .max(365, code("accounts.cooldown.tooMany")),
    defaultChannel: z.enum([Channel.WHATSAPP, Channel.SMS], { error: code("accounts.channel.required") }),
    // Optional: a form without the field keeps the current language.
    defaultLanguage: z.enum(["es", "en"], { error: code("accounts.language.required") }).optional(),
    // Optional: a form without the field keeps the current list. Countries besides the workspace's own.
    extraDestinationCountries: z
      .string()
      .max(500, code("accounts.text.tooLong"))
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const parsed = parseCountryList(v);
        if (parsed.ok) return parsed.countries;
        ctx.addIssue({
          code: "custom",
          message: code("accounts.countries.unknown"),
          params: { codes: parsed.unknown.join(", ") },
        });
        return z.NEVER;
      }),
    // Optional: a form without the field keeps the current limit. 0 turns AI drafts off.
    aiDraftsPerDay: z.preprocess(
      (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? undefined : v),
      z.coerce
        .number({ error: AI_LIMIT_MESSAGE })
        .int(AI_LIMIT_MESSAGE)
        .min(0, AI_LIMIT_MESSAGE)
        .max(1000, AI_LIMIT_MESSAGE)
        .optional(),
    ),
    // Optional like the AI limit: at most this many broadcasts per contact in 30 days (SPEC §14).
    broadcastCap: z.preprocess(
      (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? undefined : v),
      z.coerce.number({ error: BROADCAST_CAP_MESSAGE }).int(BROADCAST_CAP_MESSAGE).min(0, BROADCAST_CAP_MESSAGE).max(30, BROADCAST_CAP_MESSAGE).optional(),
    ),
    whatsappSender: senderField,
    smsSender: senderField,
    sendingPaused: formBoolean,
    reviewPolicy: z.enum([ReviewPolicy.OPEN, ReviewPolicy.GATED], { error: code("accounts.policy.required") }),
    confirmGated: formBoolean,
    ...Object.fromEntries(CONTENT_SID_TYPES.map((t) => [`contentSid_${t}`, contentSidField])),
  })
  .superRefine((v, ctx) => {
    if (v.quietHoursEnabled) {
      if (!v.quietHoursStart || !HH_MM.test(v.quietHoursStart)) ctx.addIssue({ code: "custom", path: ["quietHoursStart"], message: code("accounts.quietHours.format") });
      if (!v.quietHoursEnd || !HH_MM.test(v.quietHoursEnd)) ctx.addIssue({ code: "custom", path: ["quietHoursEnd"], message: code("accounts.quietHours.format") });
      if (v.quietHoursStart && v.quietHoursStart === v.quietHoursEnd) ctx.addIssue({ code: "custom", path: ["quietHoursEnd"], message: code("accounts.quietHours.same") });
    }
  });

export type SettingsInput = Record<string, unknown>;

export interface SettingsResult {
  /** What changed (for the confirmation message). */
  changed: string[];
}

/**
 * Saves the settings. Switching to `gated` without `confirmGated` fails with a field error on
 * reviewPolicy (the page then shows the warning and the confirmation checkbox).
 * `staffAlerts` maps practice id → staff alert phone ("" clears it).
 */
export async function updateSettings(
  em: EntityManager,
  actor: Actor,
  input: SettingsInput,
  staffAlerts: Record<string, string> = {},
): Promise<SettingsResult> {
  if (actor.user.role !== "OWNER") throw new AccountsError("forbidden", "Solo el propietario puede cambiar los ajustes.");
  const data = parseOrThrow(settingsSchema, input) as z.output<typeof settingsSchema> & Record<string, string | null | undefined>;
  const now = actor.now ?? new Date();
  const workspaceId = actor.user.workspace.id;
  const alertErrors: Record<string, Coded> = {};
  const alerts = new Map<string, string | null>();
  for (const [practiceId, raw] of Object.entries(staffAlerts)) {
    if (raw.trim() === "") {
      alerts.set(practiceId, null);
      continue;
    }
    const phone = normalizePhone(raw, "EC");
    if (phone.ok) alerts.set(practiceId, phone.e164);
    else alertErrors[`alert_${practiceId}`] = coded(`accounts.phone.${phone.reason}`);
  }
  if (Object.keys(alertErrors).length) throw new ValidationError(alertErrors);

  return em.transactional(async (tem) => {
    const ws = await tem.findOneOrFail(Workspace, { id: workspaceId });
    const changed: string[] = [];
    const set = <K extends keyof Workspace>(key: K, value: Workspace[K]) => {
      if (JSON.stringify(ws[key]) !== JSON.stringify(value)) {
        ws[key] = value;
        changed.push(String(key));
      }
    };
    if (data.reviewPolicy !== ws.reviewPolicy) {
      if (data.reviewPolicy === ReviewPolicy.GATED && !data.confirmGated) {
        throw new ValidationError({ reviewPolicy: coded("accounts.gated.confirm") });
      }
      recordAudit(tem as EntityManager, {
        workspaceId,
        actorId: actor.user.id,
        action: "settings.review_policy_changed",
        entityType: "workspace",
        entityId: workspaceId,
        ip: actor.ip ?? null,
        details: { from: ws.reviewPolicy, to: data.reviewPolicy, ...(data.reviewPolicy === ReviewPolicy.GATED ? { warningConfirmed: true, warning: GATED_WARNING } : {}) },
      });
      if (data.reviewPolicy === ReviewPolicy.GATED) {
        ws.gatedConfirmedAt = now;
        ws.gatedConfirmedBy = actor.user.id;
      }
      set("reviewPolicy", data.reviewPolicy);
    }
    set("name", data.name);
    set("timezone", data.timezone);
    set("quietHoursStart", data.quietHoursEnabled ? (data.quietHoursStart ?? null) : null);
    set("quietHoursEnd", data.quietHoursEnabled ? (data.quietHoursEnd ?? null) : null);
    set("contactCooldownDays", data.contactCooldownDays);
    set("defaultChannel", data.defaultChannel);
    if (data.defaultLanguage) set("defaultLanguage", data.defaultLanguage);
    if (data.extraDestinationCountries) {
      const next = data.extraDestinationCountries.filter((c) => c !== ws.defaultCountry);
      const before = ws.extraDestinationCountries ?? [];
      if (JSON.stringify(before) !== JSON.stringify(next)) {
        // Who opened which destinations is kept: they decide where the platform's sender may text.
        recordAudit(tem as EntityManager, {
          workspaceId,
          actorId: actor.user.id,
          action: "settings.destination_countries_changed",
          entityType: "workspace",
          entityId: workspaceId,
          ip: actor.ip ?? null,
          details: { from: before, to: next },
        });
        set("extraDestinationCountries", next);
      }
    }
    if (data.aiDraftsPerDay !== undefined) set("aiDraftsPerDay", data.aiDraftsPerDay);
    if (data.broadcastCap !== undefined) set("broadcastCap", data.broadcastCap);
    set("whatsappSender", data.whatsappSender ?? null);
    set("smsSender", data.smsSender ?? null);
    const sids: Partial<Record<TemplateType, string>> = {};
    for (const t of CONTENT_SID_TYPES) {
      const sid = data[`contentSid_${t}`];
      if (sid) sids[t] = sid;
    }
    set("whatsappContentSids", sids);
    if (data.sendingPaused !== ws.sendingPaused) {
      recordAudit(tem as EntityManager, {
        workspaceId,
        actorId: actor.user.id,
        action: data.sendingPaused ? "settings.sending_paused" : "settings.sending_resumed",
        entityType: "workspace",
        entityId: workspaceId,
        ip: actor.ip ?? null,
      });
      set("sendingPaused", data.sendingPaused);
    }
    if (alerts.size) {
      const practices = await tem.find(Practice, { id: { $in: [...alerts.keys()] } });
      for (const practice of practices) {
        const value = alerts.get(practice.id) ?? null;
        if ((practice.staffAlertPhone ?? null) !== value) {
          practice.staffAlertPhone = value;
          changed.push(`staffAlertPhone:${practice.id}`);
        }
      }
    }
    const other = changed.filter((c) => c !== "reviewPolicy" && c !== "sendingPaused");
    if (other.length) {
      recordAudit(tem as EntityManager, {
        workspaceId,
        actorId: actor.user.id,
        action: "settings.updated",
        entityType: "workspace",
        entityId: workspaceId,
        ip: actor.ip ?? null,
        details: { fields: other },
      });
    }
    await tem.flush();
    return { changed };
  });
}
