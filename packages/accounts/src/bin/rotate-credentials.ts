// `npm run credentials:rotate`: re-encrypts every stored provider credential with the current key
// (CREDENTIALS_ENCRYPTION_KEY_ID). Add the new key to CREDENTIALS_ENCRYPTION_KEYS next to the old
// ones, make it current, deploy, run this, then remove the old key. Prints counts, never a secret.
import { initOrm } from "@rm/db";
import { credentialsCipherFromEnv } from "../credentials-cipher.ts";
import { rotateCredentials } from "../own-sender.ts";

const databaseUrl = process.env.DATABASE_URL;
const keys = process.env.CREDENTIALS_ENCRYPTION_KEYS;
const current = process.env.CREDENTIALS_ENCRYPTION_KEY_ID;
if (!databaseUrl || !keys || !current) {
  console.error("DATABASE_URL, CREDENTIALS_ENCRYPTION_KEYS and CREDENTIALS_ENCRYPTION_KEY_ID must be set");
  process.exit(2);
}
let cipher;
try {
  cipher = credentialsCipherFromEnv(keys, current);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const orm = await initOrm({ databaseUrl, poolMax: 2 });
let code = 0;
try {
  const changed = await rotateCredentials(orm.em.fork(), cipher);
  console.log(`Re-encrypted ${changed} credential row(s) with key "${cipher.currentKeyId}".`);
} catch (err) {
  // A row sealed under a key no longer in the ring: name the problem, not the secret.
  console.error(`Rotation stopped: ${(err as Error).message}`);
  code = 1;
} finally {
  await orm.close();
}
process.exit(code);
