import { p } from "@mikro-orm/postgresql";
import { randomUUID } from "node:crypto";

// Shared column builders. Ids are generated in JS (so `entity.id` exists before flush and can go into
// outbox payloads in the same transaction) and by the database default for raw inserts.
export const uuidPk = () => p.uuid().primary().defaultRaw("gen_random_uuid()");
export const createdAt = () => p.datetime().defaultRaw("now()").onCreate(() => new Date());
export const updatedAt = () =>
  p
    .datetime()
    .defaultRaw("now()")
    .onCreate(() => new Date())
    .onUpdate(() => new Date());

export const newId = (): string => randomUUID();

/** E.164: "+" then 7–15 digits, no leading zero in the country code. */
export const E164_CHECK_SQL = (column: string) => `${column} ~ '^\\+[1-9][0-9]{6,14}$'`;
