// `npm run user:reset-password -- --email owner@example.com [--password-stdin]`
// Sets a new password for an OWNER who cannot sign in (there is no email sending): prints a
// generated password once, or reads one line from stdin with --password-stdin (never a command-line
// argument: it would land in the shell history and the process list). Ends the owner's sessions and
// writes an audit entry.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { initOrm } from "@rm/db";
import { AccountsError, ValidationError } from "../errors.ts";
import { resetOwnerPasswordByEmail } from "../users.ts";

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

const { values } = parseArgs({
  options: { email: { type: "string" }, "password-stdin": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  strict: true,
});

if (values.help || !values.email) {
  console.error("usage: npm run user:reset-password -- --email <owner email> [--password-stdin]");
  process.exit(values.help ? 0 : 2);
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL is not set");
  process.exit(2);
}

const generated = !values["password-stdin"];
const password = generated ? randomBytes(15).toString("base64url") : await readStdinLine();

const orm = await initOrm({ databaseUrl, poolMax: 2 });
let code = 0;
try {
  const { userId } = await resetOwnerPasswordByEmail(orm.em.fork(), values.email, password);
  console.log(`Password reset for ${values.email.trim().toLowerCase()} (user ${userId}); every session of this user was ended.`);
  if (generated) console.log(`New password (shown once): ${password}`);
} catch (err) {
  if (err instanceof ValidationError) {
    console.error(Object.values(err.fieldErrors).join("\n"));
    code = 1;
  } else if (err instanceof AccountsError) {
    console.error(err.message);
    code = 1;
  } else {
    throw err;
  }
} finally {
  await orm.close(true);
}
process.exit(code);
