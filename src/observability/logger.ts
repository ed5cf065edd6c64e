// The pino logger: JSON lines, secrets redacted (see redact.ts), field names from LogField.
// Request-scoped loggers are children that carry `requestId` on every line.

import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { LogDestination, nonBlockingStdout } from './log-destination.js';
import { LogField, type RequestLine } from './log-fields.js';
import { redactFields, scrubString } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Where lines go; stdout when omitted. Tests pass a capturing stream. */
  readonly destination?: DestinationStream;
}

/** An incoming request as a log object: never the whole IncomingMessage; its secret headers are redacted with the rest. */
function serializeReq(req: unknown): unknown {
  if (req === null || typeof req !== 'object') return req;
  const { method, url, headers } = req as { method?: unknown; url?: unknown; headers?: unknown };
  return { method, url, headers };
}

/** The serializers pino would apply, then the redaction, so serialized output is what is redacted. */
function serializeAndRedact(fields: Record<string, unknown>): Record<string, unknown> {
  const req = fields['req'];
  const err = fields[LogField.Error];
  if (req === undefined && err === undefined) return redactFields(fields);
  const serialized = { ...fields };
  if (req !== undefined) serialized['req'] = serializeReq(req);
  if (err !== undefined) serialized[LogField.Error] = pino.stdSerializers.err(err as Error);
  return redactFields(serialized);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'changegate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // No pino `redact`, and `err` passed through as the formatter left it: the formatter below
      // serializes and redacts in one pass (redact.ts), because pino applies serializers after
      // formatters, and its path redaction cost tens of microseconds a line.
      serializers: { [LogField.Error]: (err: unknown) => err },
      formatters: { log: serializeAndRedact },
      hooks: {
        // Messages are free text; scrub credential query parameters out of them too.
        logMethod(args, method) {
          const clean = args.map((a: unknown) => (typeof a === 'string' ? scrubString(a) : a));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? stdoutDestination(),
  );
}

let stdout: LogDestination | undefined;

/**
 * The one stdout destination every default logger shares, so lines from several loggers keep
 * their order and one exit listener covers them. Exit (process.exit, or the loop running dry)
 * runs no more callbacks, so what is still pending is written synchronously then.
 */
function stdoutDestination(): LogDestination {
  if (stdout === undefined) {
    const destination = new LogDestination({ fd: nonBlockingStdout() });
    process.on('exit', () => destination.flushSync());
    stdout = destination;
  }
  return stdout;
}

/** A child logger whose every line carries the request id. */
export function forRequest(logger: Logger, requestId: string): Logger {
  return logger.child({ [LogField.RequestId]: requestId });
}

/**
 * The access-log line, one per request. It is built by hand from fields that are safe by
 * construction (our request id, the method, the credential-scrubbed path, status, duration,
 * upstream, action, decision, reasons, subject id), so it needs no redaction: pino's wildcard
 * redaction over every secret key at five depths cost 30% of a proxied request's CPU. The line
 * has the logger's own shape (level, time, bindings, msg) and goes to the logger's destination.
 */
export function logRequest(logger: Logger, line: RequestLine): void {
  // 4xx are the proxy doing its job (denials, sign-in redirects); only 5xx is an error.
  const level = line.status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const internals = logger as unknown as LoggerInternals;
  const bindings = internals[pino.symbols.chindingsSym];
  // A forRequest() child already carries the id in its bindings; don't print it twice. The
  // bindings are pino's serialized text: a substring test, not bindings(), which parses it.
  const id = `"${LogField.RequestId}":${JSON.stringify(line.requestId)}`;
  let text = `{"level":${logger.levels.values[level]}${internals[pino.symbols.timeSym]()}${bindings}`;
  if (!bindings.includes(id)) text += `,${id}`;
  text += `,"${LogField.Method}":${JSON.stringify(line.method)},"${LogField.Path}":${JSON.stringify(scrubString(line.path))}`;
  text += `,"${LogField.Status}":${line.status},"${LogField.DurationMs}":${Math.round(line.durationMs * 100) / 100}`;
  if (line.upstream !== undefined) text += `,"${LogField.Upstream}":${JSON.stringify(line.upstream)}`;
  if (line.action !== undefined) text += `,"${LogField.Action}":${JSON.stringify(line.action)}`;
  if (line.decision !== undefined) text += `,"${LogField.Decision}":"${line.decision}"`;
  if (line.reasons !== undefined && line.reasons.length > 0) text += `,"${LogField.Reasons}":${JSON.stringify(line.reasons)}`;
  if (line.subject !== undefined) text += `,"${LogField.Subject}":${JSON.stringify(line.subject)}`;
  if (line.via !== undefined) text += `,"${LogField.Via}":${JSON.stringify(line.via)}`;
  if (line.clientIp !== undefined) text += `,"${LogField.ClientIp}":${JSON.stringify(line.clientIp)}`;
  internals[pino.symbols.streamSym].write(`${text},"${LogField.Event}":"request","msg":"request"}\n`);
}

/** The pino internals the access line reuses so its shape follows the logger's configuration. */
interface LoggerInternals {
  readonly [pino.symbols.timeSym]: () => string;
  readonly [pino.symbols.chindingsSym]: string;
  readonly [pino.symbols.streamSym]: DestinationStream;
}
