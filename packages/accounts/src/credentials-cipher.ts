// Provider credentials at rest (SPEC §12, §17): AES-256-GCM from node:crypto, an authenticated
// cipher, so a ciphertext that was altered (or sealed under another key) fails to open instead of
// decrypting to garbage. The keys come from the environment as a key ring — key id → 32-byte key —
// plus the id of the current key; each ciphertext is stored with the id of the key that sealed it, so
// adding a key and re-encrypting (`npm run credentials:rotate`) never strands an older row.
//
// Sealed form: base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag). The row's id and column are bound
// as additional authenticated data, so a ciphertext copied into another row does not open there.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;

export interface Sealed {
  keyId: string;
  ciphertext: string;
}

export class CredentialsCipher {
  readonly currentKeyId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: ReadonlyMap<string, Buffer>, currentKeyId: string) {
    for (const [id, key] of keys) {
      if (!KEY_ID.test(id)) throw new Error(`credentials key id "${id}" must be 1–32 letters, digits, ".", "_" or "-"`);
      if (key.length !== 32) throw new Error(`credentials key "${id}" must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!keys.has(currentKeyId)) throw new Error(`the current credentials key id "${currentKeyId}" is not in the key ring`);
    this.#keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /** Seals `plaintext` with the current key; `context` (e.g. "twilio_accounts.token:<id>") must be given again to open it. */
  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return { keyId: this.currentKeyId, ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url") };
  }

  /** Opens a sealed value; throws when its key is not in the ring or it was altered. */
  open(sealed: Sealed, context: string): string {
    const key = this.#keys.get(sealed.keyId);
    if (!key) throw new Error(`credentials key "${sealed.keyId}" is not configured (CREDENTIALS_ENCRYPTION_KEYS)`);
    const raw = Buffer.from(sealed.ciphertext, "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed credential is truncated");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  }

  /** The value sealed again under the current key (unchanged sealing when it is already current). */
  reseal(sealed: Sealed, context: string): Sealed {
    return sealed.keyId === this.currentKeyId ? sealed : this.seal(this.open(sealed, context), context);
  }
}

/**
 * The key ring from its environment form: `CREDENTIALS_ENCRYPTION_KEYS="k2:<base64 32 bytes>,k1:<…>"`
 * and `CREDENTIALS_ENCRYPTION_KEY_ID=k2`. Throws a message naming the variable on bad input; never
 * echoes a key.
 */
export function credentialsCipherFromEnv(keysText: string, currentKeyId: string): CredentialsCipher {
  const keys = new Map<string, Buffer>();
  for (const part of keysText.split(",").map((s) => s.trim()).filter(Boolean)) {
    const at = part.indexOf(":");
    if (at <= 0) throw new Error("CREDENTIALS_ENCRYPTION_KEYS must be a comma-separated list of <key id>:<base64 key>");
    const id = part.slice(0, at);
    if (keys.has(id)) throw new Error(`CREDENTIALS_ENCRYPTION_KEYS lists key id "${id}" twice`);
    keys.set(id, Buffer.from(part.slice(at + 1), "base64"));
  }
  if (keys.size === 0) throw new Error("CREDENTIALS_ENCRYPTION_KEYS is empty");
  return new CredentialsCipher(keys, currentKeyId);
}
