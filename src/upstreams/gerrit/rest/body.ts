// Gerrit REST bodies as the classifier reads them: strict JSON only.

import { ChangegateError } from '../../../errors.js';

/**
 * Parses a JSON request body. Gerrit's Gson is lenient (comments, single quotes, bare words);
 * we are strict, so anything the two could read differently is refused rather than guessed.
 */
export function parseJsonObject(bytes: Buffer, contentType: string | undefined, what: string): Record<string, unknown> {
  if (bytes.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json') throw new ChangegateError('bad_body', `${what} bodies must be sent as application/json`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not strict JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ChangegateError('bad_body', `the ${what} body must be a JSON object`);
  return value as Record<string, unknown>;
}
