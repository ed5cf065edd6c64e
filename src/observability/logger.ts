// The pino logger: JSON lines, secrets redacted (see redact.ts), field names from LogField.
// Request-scoped loggers are children that carry `requestId` on every line.

import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { LogField, type RequestLine } from './log-fields.js';
import { REDACTED, redactPaths, scrubString } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Where lines go; stdout when omitted. Tests pass a capturing stream. */
  readonly destination?: DestinationStream;
}

function scrubTopLevel(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') continue;
    const clean = scrubString(v);
    if (clean !== v) (out ??= { ...obj })[k] = clean;
  }
  return out ?? obj;
}

/** An incoming request as a log object: never the raw headers object. */
function serializeReq(req: unknown): unknown {
  if (req === null || typeof req !== 'object') return req;
  const r = req as { method?: unknown; url?: unknown; headers?: unknown };
  const headers: Record<string, unknown> = {};
  if (r.headers !== null && typeof r.headers === 'object') {
    for (const [k, v] of Object.entries(r.headers)) {
      headers[k] = /^(authorization|proxy-authorization|cookie|set-cookie|x-changegate-assertion)$/i.test(k) ? REDACTED : v;
    }
  }
  return { method: r.method, url: typeof r.url === 'string' ? scrubString(r.url) : r.url, headers };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'changegate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths(), censor: REDACTED },
      serializers: { req: serializeReq, [LogField.Error]: pino.stdSerializers.err },
      formatters: { log: scrubTopLevel },
      hooks: {
        // Messages are free text; scrub credential query parameters out of them too.
        logMethod(args, method) {
          const clean = args.map((a: unknown) => (typeof a === 'string' ? scrubString(a) : a));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A child logger whose every line carries the request id. */
export function forRequest(logger: Logger, requestId: string): Logger {
  return logger.child({ [LogField.RequestId]: requestId });
}

/** The access-log line, one per request. */
export function logRequest(logger: Logger, line: RequestLine): void {
  // 4xx are the proxy doing its job (denials, sign-in redirects); only 5xx is an error.
  const level = line.status >= 500 ? 'error' : 'info';
  const { requestId, ...rest } = line;
  // A forRequest() child already carries the id; don't print it twice.
  const bound = logger.bindings()[LogField.RequestId] === requestId;
  const fields = { ...(bound ? {} : { [LogField.RequestId]: requestId }), ...rest, path: scrubString(line.path) };
  logger[level]({ ...fields, [LogField.Event]: 'request' }, 'request');
}
