// Audit records: what an auditor reads. Built only from extracted, non-secret fields: never a
// token, cookie, password or raw body.

import type { Role, Via } from '../identity/types.js';
import type { ResourceInput } from '../policy/types.js';

export interface AuditSubject {
  readonly id: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  readonly via: Via;
  readonly tokenId?: string;
}

/**
 * The change a request concerns, as the classifier read it (a Gerrit change for Gerrit
 * requests and for Dagster runs launched for one). Stated here, not imported, so the audit log
 * depends on nothing above it; the pipeline's ChangeRef has the same shape.
 */
export interface AuditedChange {
  readonly number?: number;
  readonly changeId?: string;
  readonly project?: string;
  readonly branch?: string;
}

export interface DecisionRecord {
  readonly kind: 'decision';
  readonly time: string;
  readonly requestId: string;
  readonly subject: AuditSubject | null;
  readonly action: string;
  readonly resource: ResourceInput;
  readonly change?: AuditedChange;
  readonly decision: { readonly allow: boolean; readonly reasons: readonly string[]; readonly revision: string };
  readonly request: { readonly method: string; readonly path: string; readonly ip: string; readonly userAgent: string };
}

export interface CompletionRecord {
  readonly kind: 'completion';
  readonly time: string;
  readonly requestId: string;
  readonly status: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  /** What the response taught us: a new change number, a run id. */
  readonly learned?: Readonly<Record<string, unknown>>;
  /** Set when the exchange failed before or during forwarding. */
  readonly error?: string;
}

export type AuditRecord = DecisionRecord | CompletionRecord;

/** What the sink adds to every line so the log is a hash chain (see chain.ts). */
export interface ChainFields {
  /** 1 for the first line ever written; +1 per line, across rotated files. */
  readonly seq: number;
  /** The previous line's `hash`; GENESIS_HASH for seq 1. */
  readonly prev: string;
  /** SHA-256 (hex) over the canonical line without `hash` (and, for checkpoints, `signature`). */
  readonly hash: string;
}

/** Signs the chain head: the hash of the line just before it (its `prev`). */
export interface CheckpointRecord {
  readonly kind: 'checkpoint';
  readonly time: string;
  /** The Ed25519 key that signed, as keyIdOf(public key). */
  readonly keyId: string;
  /** Ed25519 over the UTF-8 bytes of this line's own `hash` (base64url). */
  readonly signature: string;
}

/**
 * Written on reopen after a crash left a partial last line: names the torn bytes (their offset
 * in this file, their length and SHA-256) so the verifier can tell a sealed crash from a tampered
 * or truncated log. Nothing is dropped: the torn bytes stay in the file. The chain resumes from
 * the last complete line.
 */
export interface TornRecord {
  readonly kind: 'torn';
  readonly time: string;
  readonly offset: number;
  readonly bytes: number;
  readonly sha256: string;
}

export type LogRecord = AuditRecord | CheckpointRecord | TornRecord;
export type ChainedRecord = LogRecord & ChainFields;

/**
 * How soon a record's write must start. `now`: someone waits on it before acting (a decision
 * before forwarding, a refusal before answering). `coalesce`: nobody does (a completion record:
 * the response has gone already), so it may wait a few milliseconds for a `now` record to share
 * that record's write instead of costing a write of its own.
 */
export type AppendUrgency = 'now' | 'coalesce';

export interface AuditSink {
  /** Resolves once the record is durable (fsync'd). Rejects when it cannot be made durable. */
  append(record: AuditRecord, urgency?: AppendUrgency): Promise<void>;
  /** False while the sink cannot write; requests then fail closed. */
  readonly ready: boolean;
  readonly notReadyReason: string | undefined;
  /** True when GET/HEAD decisions still resolve while the sink is down (config audit.failOpenReads). */
  readonly failOpenReads?: boolean;
  close(): Promise<void>;
}
