// The Ed25519 key that signs audit checkpoints. Taken from a configured PEM file, or generated on
// first start into the state dir (private key 0600, linked into place exclusively so two starters
// agree on one key) with its public half written beside it: a verifier needs only that file.

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from './canonical.js';

export const AUDIT_KEY_FILE = 'audit-signing-key.pem';
export const AUDIT_PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

export interface LoadedSigningKey {
  readonly key: AuditSigningKey;
  readonly privatePath: string;
  /** Where the public key was written (generated keys only). */
  readonly publicPath?: string;
  readonly warnings: readonly string[];
}

/** Names a public key: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ format: 'der', type: 'spki' })).slice(0, 16);
}

function fromPrivatePem(pem: string, source: string): AuditSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError(`${source}: the audit signing key must be an Ed25519 private key (PEM)`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A verifier's key: a public PEM, or a private one (its public half is used). */
export function publicKeyFromPem(pem: string, source: string): KeyObject {
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`${source}: not an Ed25519 key`);
  return key;
}

async function looseModeWarning(path: string): Promise<string[]> {
  const mode = (await stat(path)).mode & 0o077;
  return mode === 0 ? [] : [`${path} is readable by others (mode ${((await stat(path)).mode & 0o777).toString(8)}); chmod 600 it`];
}

export async function loadSigningKey(options: { readonly keyPath?: string; readonly stateDir: string }): Promise<LoadedSigningKey> {
  if (options.keyPath !== undefined) {
    const key = fromPrivatePem(await readFile(options.keyPath, 'utf8'), options.keyPath);
    return { key, privatePath: options.keyPath, warnings: await looseModeWarning(options.keyPath) };
  }
  const privatePath = join(options.stateDir, AUDIT_KEY_FILE);
  const publicPath = join(options.stateDir, AUDIT_PUBLIC_KEY_FILE);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Written whole under a private name, then linked: link() fails if a key exists, so a
  // concurrent starter never reads half a file and both end up with the same key.
  const tmp = `${privatePath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, privatePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  const key = fromPrivatePem(await readFile(privatePath, 'utf8'), privatePath);
  const publicPem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const existing = await readFile(publicPath, 'utf8').catch(() => undefined);
  if (existing !== publicPem) await writeFile(publicPath, publicPem, { mode: 0o644 });
  return { key, privatePath, publicPath, warnings: await looseModeWarning(privatePath) };
}
