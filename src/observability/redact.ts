// What never reaches a log line: credential-bearing headers and fields (at any of the first few
// nesting levels, in the casings they appear in), and credential query parameters inside
// strings. Two mechanisms on purpose: pino's path redaction for structured fields, and a string
// scrub for URLs and messages, because a token in `?access_token=` is just text to pino.

export const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they appear. */
export const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-changegate-assertion',
  'X-Changegate-Assertion',
  'token',
  'password',
  'clientSecret',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'sessionKeys',
] as const;

/** How deep below the top level the key-based redaction looks (req.headers.x is depth 2). */
const DEPTH = 4;

function accessor(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : `["${key}"]`;
}

/** pino redact paths: each secret key at the top level and under 1..DEPTH wildcards. */
export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const acc = accessor(key);
    for (let depth = 0; depth <= DEPTH; depth++) {
      const prefix = '*.'.repeat(depth);
      paths.push(acc.startsWith('[') ? `${prefix.slice(0, -1)}${acc}` : `${prefix}${acc}`);
    }
  }
  // A top-level bracketed key has no wildcard prefix to attach to; pino wants it bare.
  return paths.map((p) => (p.startsWith('[') ? p.slice(2, -2) : p));
}

const SECRET_PARAM = /([?&;](?:access_token|refresh_token|id_token|client_secret|password|token|assertion)=)[^&#\s"']*/gi;

/** Replace credential query parameter values in any string (URLs, messages). */
export function scrubString(s: string): string {
  return s.includes('=') ? s.replace(SECRET_PARAM, `$1${REDACTED}`) : s;
}
