// One error type for everything that reaches a client or an operator. Each code has one HTTP
// status, so the proxy never improvises a status, and every body has the same JSON shape:
// {error, reason, requestId}.

export const ERROR_STATUS = {
  bad_request: 400,
  bad_path: 400,
  bad_header: 400,
  bad_body: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** A branch deployment whose change closed: it is gone for good, not missing. */
  gone: 410,
  request_timeout: 408,
  payload_too_large: 413,
  uri_too_long: 414,
  too_many_requests: 429,
  headers_too_large: 431,
  overloaded: 503,
  /** A branch deployment that is starting, queued or failed. */
  deployment_unavailable: 503,
  policy_unavailable: 503,
  audit_unavailable: 503,
  identity_unavailable: 503,
  /**
   * The client went away before its response was complete. Never sent (nobody is there to read
   * it); recorded as nginx logs it, so a hang-up is not mistaken for the upstream failing.
   */
  client_closed: 499,
  upstream_unavailable: 502,
  upstream_timeout: 504,
  internal: 500,
  config_invalid: 500,
  policy_compile: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ChangegateError extends Error {
  readonly code: ErrorCode;
  /** Extra JSON fields for the response body (such as the denied action). Never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Extra response headers, such as WWW-Authenticate on a 401. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    code: ErrorCode,
    reason: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChangegateError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The response body a client sees. `reason` is written for a person to act on. */
  toBody(requestId: string): Record<string, unknown> {
    return { error: this.code, reason: this.message, requestId, ...this.details };
  }
}

export function isChangegateError(e: unknown): e is ChangegateError {
  return e instanceof ChangegateError;
}
