// A refused form comes back as catalogue codes with their parameters, so the page shows it in the
// interface language; the Spanish `message` is the same catalogue text.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { formatCoded } from "@rm/catalogue";
import { grantCredits } from "@rm/credits";
import { initOrm, User, workspaceEm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword, changeRole, createPractice, inviteUser, signUp, updateSettings, ValidationError, type AccountsError, type Actor } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function owner() {
  const email = `coded${++counter}@example.ec`;
  const startPlan = (em: EntityManager, workspaceId: string) => grantCredits(em, { workspaceId, amount: 50, reference: "free:signup", reason: "FREE" });
  const result = await signUp(orm.em.fork(), { workspaceName: `Clínica ${counter}`, name: `Dueña ${counter}`, email, password: "clave-segura-1" }, { startPlan });
  const em = workspaceEm(orm.em.fork(), result.workspaceId);
  const user = await em.findOneOrFail(User, { id: result.userId }, { populate: ["workspace"] });
  return { em, userId: user.id, actor: { user, ip: null } satisfies Actor };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("accepted"),
    (e: unknown) => e,
  );
}

describe("form errors as catalogue codes", () => {
  it("field rules carry their code and bound; English and Spanish come from the catalogue", async () => {
    const o = await owner();
    const err = (await refusal(createPractice(o.em, o.actor, { name: "", address: "x".repeat(301), timezone: "Mars/Olympus", country: "ECU" }))) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldTexts).toEqual({
      name: { code: "accounts.name.required", params: { min: 1 } },
      address: { code: "accounts.text.tooLong", params: { max: 300 } },
      timezone: { code: "accounts.timezone.invalid" },
      country: { code: "accounts.country.invalid" },
    });
    expect(formatCoded("en", err.fieldTexts.address!)).toBe("At most 300 characters.");
    expect(err.fieldErrors.address).toBe("Máximo 300 caracteres.");
  });

  it("a phone or review link refused by @rm/domain names its reason's code", async () => {
    const o = await owner();
    const phone = (await refusal(createPractice(o.em, o.actor, { name: "Sede", timezone: "America/Guayaquil", staffAlertPhone: "12" }))) as AccountsError;
    expect(phone.text).toEqual({ code: "accounts.phone.TOO_SHORT" });
    expect(formatCoded("en", phone.text!)).toBe("The number is too short.");
    const link = (await refusal(createPractice(o.em, o.actor, { name: "Sede", timezone: "America/Guayaquil", googleReview: "https://maps.app.goo.gl/abc" }))) as AccountsError;
    expect(link.text).toEqual({ code: "accounts.review.maps_share_link" });
  });

  it("rule violations (plan limit, last owner, wrong password) and settings' own checks carry codes", async () => {
    const o = await owner();
    const limit = (await refusal(inviteUser(o.em, o.actor, { email: "otra@example.ec", role: "DOCTOR" }))) as AccountsError;
    expect([limit.code, limit.text]).toEqual(["plan_limit", { code: "accounts.users.freeLimit" }]);
    expect(formatCoded("en", limit.text!)).toBe("The FREE plan allows one user. Upgrade your plan in Billing to invite more people.");
    const lastOwner = (await refusal(changeRole(o.em, o.actor, o.userId, "DOCTOR"))) as AccountsError;
    expect(lastOwner.text).toEqual({ code: "accounts.users.lastOwner" });
    const wrong = (await refusal(changePassword(o.em, o.actor, { current: "no-es-esta-1", password: "nueva-clave-12", confirm: "nueva-clave-12" }))) as AccountsError;
    expect([wrong.field, wrong.text]).toEqual(["current", { code: "accounts.password.wrong" }]);
    const mismatch = (await refusal(changePassword(o.em, o.actor, { current: "clave-segura-1", password: "nueva-clave-12", confirm: "otra-clave-12" }))) as ValidationError;
    expect(mismatch.fieldTexts.confirm).toEqual({ code: "accounts.password.mismatch" });

    const base = { name: "Clínica", timezone: "America/Guayaquil", contactCooldownDays: "30", defaultChannel: "SMS", reviewPolicy: "open" };
    const countries = (await refusal(updateSettings(o.em, o.actor, { ...base, extraDestinationCountries: "CO, XX", contactCooldownDays: "400" }))) as ValidationError;
    expect(countries.fieldTexts.extraDestinationCountries).toEqual({ code: "accounts.countries.unknown", params: { codes: "XX" } });
    expect(formatCoded("en", countries.fieldTexts.extraDestinationCountries!)).toBe("Unknown country codes: XX. Use 2-letter codes (CO, PE).");
    expect(formatCoded("en", countries.fieldTexts.contactCooldownDays!)).toBe("At most 365 days.");
    const gated = (await refusal(updateSettings(o.em, o.actor, { ...base, reviewPolicy: "gated" }))) as ValidationError;
    expect(formatCoded("en", gated.fieldTexts.reviewPolicy!)).toBe("To turn on gating you must confirm that you read the warning.");
  });
});
