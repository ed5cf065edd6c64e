// json.marshal/unmarshal/is_valid and base64/base64url.
import { BuiltinError } from '../../value/errors.js';
import { parseJSONValue } from '../../value/json.js';
import { toJSONText } from '../../value/value.js';
import { str } from './check.js';
import type { BuiltinDef } from './types.js';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const encodingBuiltins: BuiltinDef[] = [
  { name: 'json.marshal', arity: 1, impl: ([v]) => toJSONText(v ?? null) },
  {
    name: 'json.unmarshal',
    arity: 1,
    impl: ([s]) => {
      try {
        return parseJSONValue(str('json.unmarshal', s, 1));
      } catch (e) {
        throw new BuiltinError('json.unmarshal', (e as Error).message);
      }
    },
  },
  {
    name: 'json.is_valid',
    arity: 1,
    impl: ([s]) => {
      if (typeof s !== 'string') return false;
      try {
        parseJSONValue(s);
        return true;
      } catch {
        return false;
      }
    },
  },
  { name: 'base64.encode', arity: 1, impl: ([s]) => Buffer.from(str('base64.encode', s, 1)).toString('base64') },
  {
    name: 'base64.decode',
    arity: 1,
    impl: ([s]) => {
      const t = str('base64.decode', s, 1);
      if (!B64.test(t) || t.length % 4 === 1) throw new BuiltinError('base64.decode', 'illegal base64 data');
      return Buffer.from(t, 'base64').toString('utf8');
    },
  },
  { name: 'base64.is_valid', arity: 1, impl: ([s]) => typeof s === 'string' && B64.test(s) && s.length % 4 === 0 },
  { name: 'base64url.encode', arity: 1, impl: ([s]) => Buffer.from(str('base64url.encode', s, 1)).toString('base64url') + '='.repeat((3 - (Buffer.byteLength(s as string) % 3)) % 3) },
  { name: 'base64url.encode_no_pad', arity: 1, impl: ([s]) => Buffer.from(str('base64url.encode_no_pad', s, 1)).toString('base64url') },
  { name: 'base64url.decode', arity: 1, impl: ([s]) => Buffer.from(str('base64url.decode', s, 1), 'base64url').toString('utf8') },
];
