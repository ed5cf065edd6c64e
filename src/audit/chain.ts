// The hash chain: each line carries its sequence number, the previous line's hash and its own.
// Lines are linked in the order they are written, so chain order is file order.

import { sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, hashedLine, lineHash } from './canonical.js';
import type { AuditSigningKey } from './signing-key.js';
import type { CheckpointRecord, LogRecord } from './types.js';

export interface ChainHead {
  /** seq of the last line written; 0 before any. */
  readonly seq: number;
  /** hash of the last line written; GENESIS_HASH before any. */
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

export class Chain {
  #head: ChainHead;

  constructor(head: ChainHead = EMPTY_HEAD) {
    this.#head = head;
  }

  get head(): ChainHead {
    return this.#head;
  }

  /** Links a record onto the chain and returns its line (with the trailing newline) and seq. */
  link(record: Exclude<LogRecord, CheckpointRecord>): { readonly line: string; readonly seq: number } {
    const seq = this.#head.seq + 1;
    const { line, hash } = hashedLine({ seq, prev: this.#head.hash, ...record });
    this.#head = { seq, hash };
    return { line, seq };
  }

  /** Links a checkpoint signing the current head (the checkpoint's `prev`). */
  checkpoint(key: AuditSigningKey, time: string): string {
    const unsigned = { seq: this.#head.seq + 1, prev: this.#head.hash, kind: 'checkpoint' as const, time, keyId: key.keyId };
    const hash = lineHash(unsigned);
    const signature = sign(null, Buffer.from(hash, 'utf8'), key.privateKey).toString('base64url');
    const line: CheckpointRecord & { seq: number; prev: string; hash: string } = { ...unsigned, signature, hash };
    this.#head = { seq: line.seq, hash };
    return `${JSON.stringify(line)}\n`;
  }
}

/** True when the checkpoint's signature over its hash verifies with this public key. */
export function checkpointSignatureValid(hash: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(hash, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
