// Digests and HMACs (node:crypto), hex encoding.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { BuiltinError } from '../../value/errors.js';
import { str } from './check.js';
import type { BuiltinDef } from './types.js';

const digest = (name: string, alg: string): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([s]) => createHash(alg).update(str(name, s, 1)).digest('hex'),
});

const hmac = (name: string, alg: string): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([s, k]) => createHmac(alg, str(name, k, 2)).update(str(name, s, 1)).digest('hex'),
});

export const cryptoBuiltins: BuiltinDef[] = [
  digest('crypto.md5', 'md5'),
  digest('crypto.sha1', 'sha1'),
  digest('crypto.sha256', 'sha256'),
  hmac('crypto.hmac.md5', 'md5'),
  hmac('crypto.hmac.sha1', 'sha1'),
  hmac('crypto.hmac.sha256', 'sha256'),
  hmac('crypto.hmac.sha512', 'sha512'),
  {
    name: 'crypto.hmac.equal',
    arity: 2,
    impl: ([a, b]) => {
      const x = Buffer.from(str('crypto.hmac.equal', a, 1));
      const y = Buffer.from(str('crypto.hmac.equal', b, 2));
      return x.length === y.length && timingSafeEqual(x, y);
    },
  },
  { name: 'hex.encode', arity: 1, impl: ([s]) => Buffer.from(str('hex.encode', s, 1)).toString('hex') },
  {
    name: 'hex.decode',
    arity: 1,
    impl: ([s]) => {
      const t = str('hex.decode', s, 1);
      if (!/^([0-9a-fA-F]{2})*$/.test(t)) throw new BuiltinError('hex.decode', 'invalid byte');
      return Buffer.from(t, 'hex').toString('utf8');
    },
  },
];
