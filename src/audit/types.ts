// Audit records: what an auditor reads. Built only from extracted, non-secret fields: never a
// token, cookie, password or raw body.

import type { Role, Via } from '../identity/types.js';
import type { ResourceInput } from '../policy/types.js';
import type { ChangeRef } from '../proxy/types.js';

export interface AuditSubject {
  readonly id: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  readonly via: Via;
  readonly tokenId?: string;
}

export interface DecisionRecord {
  readonly kind: 'decision';
  readonly time: string;
  readonly requestId: string;
  readonly subject: AuditSubject | null;
  readonly action: string;
  readonly resource: ResourceInput;
  readonly change?: ChangeRef;
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

export interface AuditSink {
  /** Resolves once the record is durable (fsync'd). Rejects when it cannot be made durable. */
  append(record: AuditRecord): Promise<void>;
  /** False while the sink cannot write; requests then fail closed. */
  readonly ready: boolean;
  readonly notReadyReason: string | undefined;
  close(): Promise<void>;
}
