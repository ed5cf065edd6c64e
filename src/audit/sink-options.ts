// What FileAuditSink.open takes, and how it finds its checkpoint key.

import { generateKeyPairSync } from 'node:crypto';
import { dirname } from 'node:path';
import { keyIdOf, loadSigningKey, type AuditSigningKey } from './signing-key.js';

export interface FileSinkOptions {
  readonly path: string;
  /** Also write each line to this stream (log shippers read stdout). */
  readonly mirror?: NodeJS.WritableStream;
  /** Where a generated signing key goes (default: the log's directory). */
  readonly stateDir?: string;
  /** An Ed25519 private key (PEM) to sign checkpoints with, instead of a generated one. */
  readonly signingKey?: string;
  /** Rotate once the active file reaches this many bytes; 0 never. Default 64 MiB. */
  readonly rotateBytes?: number;
  /** Rotate when the UTC day changes. Default true. */
  readonly rotateDaily?: boolean;
  /** Sign the chain head after this many records... Default 1000. */
  readonly checkpointEvery?: number;
  /** ...or this many seconds, whichever comes first. Default 60. */
  readonly checkpointSeconds?: number;
  /** While the log cannot be written, let GET/HEAD decisions through (logged) instead of failing. */
  readonly failOpenReads?: boolean;
  /** False gives one fsync per record: the baseline the benchmark compares against. */
  readonly groupCommit?: boolean;
  /** How long a `coalesce` record may wait for a `now` record to share a write. Default 20 ms. */
  readonly lingerMs?: number;
  readonly warn?: (message: string) => void;
  /** Metrics hooks: each durable write (seconds, from write to fsync), each failed record. */
  readonly observe?: { readonly write?: (seconds: number) => void; readonly failure?: () => void };
  readonly now?: () => Date;
}

export const defaultWarn = (message: string): void => {
  process.stderr.write(`${JSON.stringify({ level: 'warn', time: Date.now(), component: 'audit', msg: message })}\n`);
};

export async function signingKeyFor(options: FileSinkOptions, regularFile: boolean, warn: (m: string) => void): Promise<AuditSigningKey> {
  if (options.signingKey === undefined && options.stateDir === undefined && !regularFile) {
    // A device (such as /dev/full in tests) has no directory of its own to keep a key in.
    warn(`${options.path} is not a regular file and no stateDir was given: checkpoints use a throwaway key`);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
  }
  const loaded = await loadSigningKey({
    ...(options.signingKey === undefined ? {} : { keyPath: options.signingKey }),
    stateDir: options.stateDir ?? dirname(options.path),
  });
  for (const w of loaded.warnings) warn(w);
  return loaded.key;
}
