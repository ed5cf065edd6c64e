// Hashes and HMACs (hex digests), as OPA's crypto.* builtins return them.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

const hash = (alg: string) => (s: unknown) => createHash(alg).update(str(s), 'utf8').digest('hex');
const hmac = (alg: string) => (s: unknown, key: unknown) => createHmac(alg, str(key)).update(str(s), 'utf8').digest('hex');

export const cryptoBuiltins: HostBuiltins = {
  'crypto.md5': hash('md5'),
  'crypto.sha1': hash('sha1'),
  'crypto.sha256': hash('sha256'),
  'crypto.hmac.md5': hmac('md5'),
  'crypto.hmac.sha1': hmac('sha1'),
  'crypto.hmac.sha256': hmac('sha256'),
  'crypto.hmac.sha512': hmac('sha512'),
  'crypto.hmac.equal': (a, b) => {
    const x = Buffer.from(str(a));
    const y = Buffer.from(str(b));
    return x.length === y.length && timingSafeEqual(x, y);
  },
};
