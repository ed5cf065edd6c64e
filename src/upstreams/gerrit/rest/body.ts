// Gerrit REST bodies as the classifier reads them: strict JSON only.

import { ChangegateError } from '../../../errors.js';

/**
 * Parses a JSON request body. Gerrit's Gson is lenient (comments, single quotes, bare words,
 * trailing data after the first value); we are strict, so anything the two could read
 * differently is refused rather than guessed. A charset other than UTF-8 is refused too: the
 * servlet container would decode the bytes with it, and we would read other text.
 */
export function parseJsonObject(bytes: Buffer, contentType: string | undefined, what: string): Record<string, unknown> {
  if (bytes.length === 0) return {};
  const [essence, ...params] = (contentType ?? '').split(';');
  if ((essence ?? '').trim().toLowerCase() !== 'application/json') throw new ChangegateError('bad_body', `${what} bodies must be sent as application/json`);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') throw new ChangegateError('bad_body', `${what} bodies must be UTF-8 (got charset=${JSON.stringify(charset)})`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte order mark in the text, so exactly one is skipped below.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not valid UTF-8`);
  }
  let value: unknown;
  try {
    // Gson skips one leading byte order mark, as we do.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not strict JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ChangegateError('bad_body', `the ${what} body must be a JSON object`);
  return value as Record<string, unknown>;
}
