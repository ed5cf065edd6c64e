// The ES256 key pair Changegate signs identity assertions with. Generated on first start into
// the state dir (file mode 0600, linked into place exclusively so two workers starting at once
// agree on one key), or supplied by the caller. Its kid is the RFC 7638 thumbprint, so it names the key
// itself and changes whenever the key does.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ASSERTION_KEY_FILE = 'assertion-key.json';

export interface AssertionKey {
  readonly kid: string;
  /** EC P-256 private JWK. Never served, never logged. */
  readonly privateJwk: JsonWebKey;
  /** What /.changegate/jwks.json lists. */
  readonly publicJwk: JsonWebKey & { readonly kid: string; readonly alg: 'ES256'; readonly use: 'sig' };
}

export interface LoadedAssertionKey {
  readonly key: AssertionKey;
  /** The file the key came from or went to; undefined when supplied. */
  readonly path?: string;
  readonly created: boolean;
  /** Things an operator should fix, such as a key file others can read. */
  readonly warnings: readonly string[];
}

function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Checks the JWK is a P-256 private key and derives the public half. */
export function assertionKeyFromJwk(jwk: JsonWebKey): AssertionKey {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new TypeError('the assertion key must be an EC P-256 private JWK');
  }
  const pub = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'jwk' });
  const kid = thumbprint(pub);
  return {
    kid,
    privateJwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, d: jwk.d },
    publicJwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, alg: 'ES256', use: 'sig' },
  };
}

export function generateAssertionKey(): AssertionKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return assertionKeyFromJwk(privateKey.export({ format: 'jwk' }));
}

/** The private key as a KeyObject, for node:crypto signing. */
export function loadedKey(key: AssertionKey): KeyObject {
  return createPrivateKey({ key: key.privateJwk, format: 'jwk' });
}

/** The JWKS document served at /.changegate/jwks.json (current key first). */
export function assertionJwks(keys: readonly AssertionKey[]): { keys: AssertionKey['publicJwk'][] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export async function loadAssertionKey(options: { stateDir: string; jwk?: JsonWebKey }): Promise<LoadedAssertionKey> {
  if (options.jwk !== undefined) return { key: assertionKeyFromJwk(options.jwk), created: false, warnings: [] };
  const path = join(options.stateDir, ASSERTION_KEY_FILE);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const fresh = generateAssertionKey();
  // Written whole to a private temporary name, then linked into place: link() fails if the key
  // exists, so a concurrent starter never reads a half-written file.
  const tmp = `${path}.${process.pid}.${fresh.kid.slice(0, 8)}.tmp`;
  await writeFile(tmp, `${JSON.stringify(fresh.privateJwk)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, path);
    return { key: fresh, path, created: true, warnings: [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  const key = assertionKeyFromJwk(JSON.parse(await readFile(path, 'utf8')) as JsonWebKey);
  const mode = (await stat(path)).mode & 0o777;
  const warnings = mode & 0o077 ? [`${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`] : [];
  return { key, path, created: false, warnings };
}
