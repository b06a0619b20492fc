// The API's request and response shapes, in zod: the handler parses with them and the OpenAPI 3.1
// document is generated from them (openapi.ts), so the two cannot drift apart.
import "zod-openapi";
import { z } from "zod";
import { PROBLEM_CODES } from "./problem.ts";

const uuid = z.uuid();
const dateTime = z.iso.datetime({ offset: true });

export const ExternalId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .meta({ description: "Your system's id of the appointment (letters, digits, `.`, `_`, `:`, `-`; at most 128).", example: "appt-2026-000123" });

export const AppointmentInput = z
  .object({
    practice_id: uuid.meta({ description: "A practice of the workspace (GET /practices)." }),
    doctor_id: uuid.nullable().optional().meta({ description: "The doctor the visit was with (GET /doctors); omitted or null: none." }),
    appointment_at: dateTime.meta({ description: "When the visit took place or takes place, with its UTC offset.", example: "2026-12-06T10:30:00-05:00" }),
    appointment_type: z.string().trim().min(1).max(100).nullable().optional(),
    patient: z
      .object({
        name: z.string().trim().min(1).max(200),
        phone: z.string().trim().min(4).max(40).meta({ description: "Mobile number, E.164 or national (the workspace's country).", example: "+593987654321" }),
        language: z.enum(["es", "en"]).nullable().optional(),
        email: z.email().nullable().optional(),
      })
      .strict(),
    consent: z.boolean().meta({ description: "The patient agreed to receive the rating request. False: stored, skipped with reason NO_CONSENT." }),
    channel: z.enum(["SMS", "WHATSAPP"]).nullable().optional().meta({ description: "Default: the workspace's default channel." }),
  })
  .strict()
  .meta({ id: "AppointmentInput" });
export type AppointmentInput = z.infer<typeof AppointmentInput>;

export const Appointment = z
  .object({
    external_id: z.string(),
    status: z.enum(["scheduled", "skipped", "sent", "cancelled"]).meta({ description: "scheduled: the rating request waits for its time; sent: handed to the provider." }),
    skip_reason: z.string().nullable().meta({ description: "Why no request is sent (NO_CONSENT, OPTED_OUT, COOLDOWN, APPOINTMENT_TOO_OLD, …)." }),
    practice_id: uuid,
    doctor_id: uuid.nullable(),
    appointment_at: dateTime,
    send_at: dateTime.nullable().meta({ description: "When the rating request goes out (quiet hours applied); null when none is waiting." }),
    campaign_id: uuid,
    created_at: dateTime,
    updated_at: dateTime,
  })
  .meta({ id: "Appointment" });
export type Appointment = z.infer<typeof Appointment>;

export const Practice = z.object({ id: uuid, name: z.string(), timezone: z.string().nullable() }).meta({ id: "Practice" });
export const Doctor = z.object({ id: uuid, name: z.string(), role: z.enum(["OWNER", "DOCTOR"]) }).meta({ id: "Doctor" });

export const Message = z
  .object({
    id: uuid,
    type: z.string(),
    channel: z.enum(["SMS", "WHATSAPP"]),
    status: z.string(),
    practice_id: uuid,
    doctor_id: uuid.nullable(),
    external_id: z.string().nullable().meta({ description: "The appointment's id in your system, when it came through the API." }),
    error_code: z.number().int().nullable(),
    created_at: dateTime,
    sent_at: dateTime.nullable(),
  })
  .meta({ id: "Message" });

export const Rating = z
  .object({
    patient_id: uuid,
    rating: z.number().int().min(1).max(5),
    rated_at: dateTime,
    practice_id: uuid,
    doctor_id: uuid.nullable(),
    external_id: z.string().nullable(),
    appointment_at: dateTime,
  })
  .meta({ id: "Rating" });

const page = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }) }).meta({ id });

export const PracticeList = z.object({ data: z.array(Practice) }).meta({ id: "PracticeList" });
export const DoctorList = z.object({ data: z.array(Doctor) }).meta({ id: "DoctorList" });
export const MessagePage = page(Message, "MessagePage");
export const RatingPage = page(Rating, "RatingPage");

export const ListQuery = z
  .object({
    since: dateTime.optional().meta({ description: "Only items created (messages) or rated (ratings) at or after this time." }),
    practice_id: uuid.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const ContactInput = z
  .object({
    phone: z.string().trim().min(4).max(40),
    name: z.string().trim().min(1).max(200).nullable().optional(),
    language: z.enum(["es", "en"]).nullable().optional(),
    consent: z
      .object({ sms: z.boolean().default(false), whatsapp: z.boolean().default(false), evidence: z.string().trim().max(1000).nullable().optional() })
      .strict()
      .meta({ description: "Consent per channel for rating requests. Consent is only ever granted here: it never undoes an opt-out." }),
    labels: z
      .array(z.string().trim().min(1).max(40))
      .max(20)
      .optional()
      .meta({ description: "Label names to put on the contact (added to those it has; names match case-insensitively, missing labels are created)." }),
  })
  .strict()
  .meta({ id: "ContactInput" });

export const Contact = z
  .object({
    id: uuid,
    phone: z.string(),
    name: z.string().nullable(),
    language: z.string().nullable(),
    sms_consent: z.boolean(),
    whatsapp_consent: z.boolean(),
    opted_out: z.boolean(),
    labels: z.array(z.string()).meta({ description: "Every label the contact has." }),
  })
  .meta({ id: "Contact" });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(PROBLEM_CODES) as [keyof typeof PROBLEM_CODES, ...(keyof typeof PROBLEM_CODES)[]]),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });

/** The webhook envelope every delivery's body is. */
export const WebhookEnvelope = z
  .object({
    id: uuid.meta({ description: "The event's id: the same in every delivery and replay of it." }),
    type: z.enum(["rating.received", "feedback.received", "message.failed", "contact.opted_out"]),
    created_at: dateTime,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "WebhookEvent" });
