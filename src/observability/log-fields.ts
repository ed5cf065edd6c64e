// Log field names are a closed set, so dashboards and alerts can rely on them and a typo is a
// compile error rather than a new field nobody queries.

export const LogField = {
  RequestId: 'requestId',
  Method: 'method',
  Path: 'path',
  Host: 'host',
  Status: 'status',
  Upstream: 'upstream',
  Action: 'action',
  Decision: 'decision',
  Reasons: 'reasons',
  DurationMs: 'durationMs',
  ClientIp: 'clientIp',
  Subject: 'subject',
  Via: 'via',
  Roles: 'roles',
  UserAgent: 'userAgent',
  BytesIn: 'bytesIn',
  BytesOut: 'bytesOut',
  Component: 'component',
  Event: 'event',
  Error: 'err',
  Url: 'url',
  Address: 'address',
  Reason: 'reason',
  Dropped: 'dropped',
} as const;

export type LogField = (typeof LogField)[keyof typeof LogField];

/** Extra fields on any line; only known names. */
export type LogFields = Partial<Record<LogField, unknown>>;

/** The one access-log line per request. `requestId` is what ties it to the audit record. */
export interface RequestLine {
  readonly requestId: string;
  readonly method: string;
  /** The normalized path, query string scrubbed of credentials. */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly upstream?: string;
  readonly action?: string;
  readonly decision?: 'allow' | 'deny' | 'error';
  /** The policy's reasons (closed strings the policy authors chose). */
  readonly reasons?: readonly string[];
  readonly subject?: string;
  readonly via?: string;
  readonly clientIp?: string;
}
