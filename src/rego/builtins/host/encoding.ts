// Encodings: base64, hex, URL query, JSON and YAML text.
import { stringify as stringifyYaml } from 'yaml';
import { duplicateKeyOffset, parseBoundedDocument } from '../../../util/yaml-limits.js';
import type { HostBuiltins } from './index.js';

/** The yaml library parses about 0.2-1 MB/s: a document from a request stays small. */
const MAX_UNMARSHAL_BYTES = 64 * 1024;

/**
 * YAML from a policy's input, which can come from a request: bounded in size and nesting before
 * the recursive composer runs, duplicate keys refused with a linear check.
 */
function parseYaml(text: string): unknown {
  const parsed = parseBoundedDocument(text, { uniqueKeys: false }, { maxBytes: MAX_UNMARSHAL_BYTES });
  if (!parsed.ok) throw new RangeError(parsed.problem);
  const { doc } = parsed;
  if (doc.errors.length > 0) throw doc.errors[0]!;
  if (duplicateKeyOffset(doc) !== undefined) throw new SyntaxError('the YAML repeats a key in one mapping');
  return doc.toJS() as unknown;
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError('expected a string');
  return v;
}

export const encodingBuiltins: HostBuiltins = {
  'base64.encode': (s) => Buffer.from(str(s), 'utf8').toString('base64'),
  'base64.decode': (s) => Buffer.from(str(s), 'base64').toString('utf8'),
  'base64.is_valid': (s) => typeof s === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
  'base64url.encode': (s) => Buffer.from(str(s), 'utf8').toString('base64url').padEnd(Math.ceil(Buffer.from(str(s)).length / 3) * 4, '='),
  'base64url.encode_no_pad': (s) => Buffer.from(str(s), 'utf8').toString('base64url'),
  'base64url.decode': (s) => Buffer.from(str(s), 'base64url').toString('utf8'),
  'hex.encode': (s) => Buffer.from(str(s), 'utf8').toString('hex'),
  'hex.decode': (s) => {
    if (!/^([0-9a-fA-F]{2})*$/.test(str(s))) throw new TypeError('invalid hex');
    return Buffer.from(str(s), 'hex').toString('utf8');
  },
  'json.marshal': (v) => JSON.stringify(v),
  'json.unmarshal': (s) => JSON.parse(str(s)) as unknown,
  'changegate.yaml.is_valid': (s) => {
    if (typeof s !== 'string') return false;
    try {
      parseYaml(s);
      return true;
    } catch {
      return false;
    }
  },
  'changegate.yaml.unmarshal': (s) => parseYaml(str(s)) as unknown,
  'changegate.yaml.marshal': (v) => stringifyYaml(v),
  'changegate.json.is_valid': (s) => {
    if (typeof s !== 'string') return false;
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  'urlquery.encode': (s) => encodeURIComponent(str(s)).replace(/%20/g, '+'),
  'urlquery.decode': (s) => decodeURIComponent(str(s).replace(/\+/g, ' ')),
};
