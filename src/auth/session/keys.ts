// Keys for everything the proxy seals into a browser: the session cookie, the sign-in
// transaction cookie and CSRF tokens. Operators configure a list of secrets (newest first);
// each purpose gets its own key derived with HKDF, so a CSRF token can never be replayed as
// ciphertext key material and vice versa.

import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface SealKey {
  /** Short public id carried in the JWE header, so decryption tries the right key first. */
  readonly kid: string;
  readonly key: Uint8Array;
}

export interface SessionKeyring {
  /** Encrypts new cookies: derived from the first configured secret. */
  readonly current: SealKey;
  /** Every key that may decrypt, newest first (includes `current`). */
  readonly all: readonly SealKey[];
  /** HMAC key for CSRF tokens, from the newest secret. */
  readonly csrfKeys: readonly Uint8Array[];
}

const SALT = 'changegate/session/v1';

function derive(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, purpose, 32));
}

function sealKey(secret: string): SealKey {
  const key = derive(secret, 'cookie-encryption');
  const kid = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  return { kid, key };
}

/** Builds the keyring from configured secrets (newest first). */
export function keyringFromSecrets(secrets: readonly string[]): SessionKeyring {
  if (secrets.length === 0) throw new TypeError('keyringFromSecrets needs at least one secret');
  const all = secrets.map(sealKey);
  const current = all[0];
  if (current === undefined) throw new TypeError('unreachable: empty keyring');
  return { current, all, csrfKeys: secrets.map((s) => derive(s, 'csrf')) };
}

export const GENERATED_KEY_FILE = 'session-key';

/**
 * The configured secrets, or one generated and kept in `stateDir` (mode 0600) when none are
 * configured. A generated key only suits one replica: every replica must share the secret, or
 * sessions made by one are rejected by the others, hence the warning.
 */
export async function loadSessionSecrets(
  configured: readonly string[] | undefined,
  stateDir: string,
  warn: (message: string) => void,
): Promise<readonly string[]> {
  if (configured !== undefined && configured.length > 0) return configured;
  const file = path.join(stateDir, GENERATED_KEY_FILE);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two workers starting together keep one key.
    const handle = await open(file, 'wx', 0o600);
    const secret = randomBytes(32).toString('base64url');
    try {
      await handle.writeFile(`${secret}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    warn(`identity.session.keys is not set; generated a session key in ${file}. Set identity.session.keys when running more than one replica.`);
    return [secret];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const secret = await readWrittenSecret(file);
  if (secret.length < 32) throw new Error(`${file}: session key is shorter than 32 characters; delete it to generate a new one`);
  warn(`identity.session.keys is not set; using the generated session key in ${file}.`);
  return [secret];
}

/** Another worker may have created the file a moment ago and not written it yet. */
async function readWrittenSecret(file: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length > 0) return secret;
    await new Promise((r) => setTimeout(r, 25));
  }
  return '';
}
