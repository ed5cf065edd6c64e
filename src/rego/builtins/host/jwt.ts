// io.jwt.* builtins on node:crypto: decode, verify_<alg>, decode_verify and encode_sign(_raw).
import {
  constants, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, X509Certificate,
  type KeyObject, type JsonWebKey,
} from 'node:crypto';
import type { HostBuiltins } from './index.js';
import { isObj, num, obj, str, type Obj, type Value } from './values.js';

interface Token {
  /** The outermost header: it names the algorithm of the signature that is checked. */
  readonly outerHeader: Obj;
  readonly header: Obj;
  readonly payload: Obj;
  /** The innermost token's signature, as io.jwt.decode reports it. */
  readonly signature: Buffer;
  /** The outermost signature and what it signs: what verification checks. */
  readonly outerSignature: Buffer;
  readonly signingInput: string;
}

function b64json(part: string): Obj {
  return obj(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
}

function parseToken(t: unknown): Token {
  const parts = str(t).split('.');
  if (parts.length !== 3) throw new SyntaxError('JWT must have three parts');
  const [h, p, s] = parts as [string, string, string];
  if (!/^[A-Za-z0-9_-]*$/.test(h + p + s)) throw new SyntaxError('JWT is not base64url');
  const header = b64json(h);
  if (header['enc'] !== undefined) throw new TypeError('JWE is not supported');
  const signature = Buffer.from(s, 'base64url');
  if (header['cty'] === 'JWT') {
    // A nested token: the outer signature is checked, the innermost claims are returned.
    const raw = Buffer.from(p, 'base64url').toString('utf8').trim();
    const inner = parseToken(raw.startsWith('"') ? (JSON.parse(raw) as unknown) : raw);
    return { ...inner, outerHeader: header, outerSignature: signature, signingInput: `${h}.${p}` };
  }
  return { outerHeader: header, header, payload: b64json(p), signature, outerSignature: signature, signingInput: `${h}.${p}` };
}

type Family = 'HS' | 'RS' | 'PS' | 'ES' | 'EdDSA';

function family(alg: string): { fam: Family; hash: string | null } {
  if (alg === 'EdDSA') return { fam: 'EdDSA', hash: null };
  const m = /^(HS|RS|PS|ES)(256|384|512)$/.exec(alg);
  if (!m) throw new TypeError(`unsupported alg ${alg}`);
  return { fam: m[1] as Family, hash: `sha${m[2]}` };
}

/** Public keys from a PEM certificate/public key, a JWK or a JWKS (JSON text). */
function publicKeys(material: string): { kid?: string; key: KeyObject }[] {
  const text = material.trim();
  if (text.startsWith('-----BEGIN CERTIFICATE')) {
    // As OPA: anything but whitespace after the certificate block is an error.
    const end = text.indexOf('-----END CERTIFICATE-----');
    if (end >= 0 && text.slice(end + '-----END CERTIFICATE-----'.length).trim() !== '') throw new SyntaxError('extra data after a PEM certificate block');
    return [{ key: new X509Certificate(text).publicKey }];
  }
  if (text.startsWith('-----BEGIN')) return [{ key: createPublicKey(text) }];
  const parsed = obj(JSON.parse(text));
  const jwks = Array.isArray(parsed['keys']) ? (parsed['keys'] as Value[]).map(obj) : [parsed];
  return jwks.map((jwk) => ({
    kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined,
    key: createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' }),
  }));
}

function verifySig(alg: string, input: string, sig: Buffer, key: KeyObject): boolean {
  const { fam, hash } = family(alg);
  const data = Buffer.from(input);
  switch (fam) {
    case 'RS': return verify(hash, data, key, sig);
    case 'PS': return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, sig);
    case 'ES': return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    case 'EdDSA': return verify(null, data, key, sig);
    case 'HS': throw new TypeError('HS needs a secret');
  }
}

function hmacOk(alg: string, input: string, sig: Buffer, secret: string): boolean {
  const { fam, hash } = family(alg);
  if (fam !== 'HS' || hash === null) return false;
  const mac = createHmac(hash, secret).update(input).digest();
  return mac.length === sig.length && timingSafeEqual(mac, sig);
}

function verifyWithMaterial(t: Token, alg: string, material: string): boolean {
  const kid = typeof t.header['kid'] === 'string' ? t.header['kid'] : undefined;
  const keys = publicKeys(material).filter((k) => kid === undefined || k.kid === undefined || k.kid === kid);
  return keys.some((k) => {
    try {
      return verifySig(alg, t.signingInput, t.outerSignature, k.key);
    } catch {
      return false;
    }
  });
}

const verifier = (alg: string) => (token: unknown, keyOrSecret: unknown): boolean => {
  const t = parseToken(token);
  if (alg.startsWith('HS')) return hmacOk(alg, t.signingInput, t.outerSignature, str(keyOrSecret));
  return verifyWithMaterial(t, alg, str(keyOrSecret));
};

const CONSTRAINTS = new Set(['cert', 'secret', 'alg', 'iss', 'aud', 'time']);
const INVALID: Value = [false, {}, {}];

function audOk(payload: Obj, aud: Value | undefined): boolean {
  const tokAud = payload['aud'];
  if (tokAud === undefined) return aud === undefined;
  if (aud === undefined) return false;
  const list = Array.isArray(tokAud) ? tokAud : [tokAud];
  return list.includes(aud);
}

function decodeVerify(token: unknown, constraints: unknown): Value {
  const c = obj(constraints);
  for (const k of Object.keys(c)) if (!CONSTRAINTS.has(k)) throw new TypeError(`unknown constraint ${k}`);
  if ((c['cert'] === undefined) === (c['secret'] === undefined)) throw new TypeError('exactly one of cert and secret');
  const t = parseToken(token);
  const alg = t.outerHeader['alg'];
  if (typeof alg !== 'string' || t.outerHeader['crit'] !== undefined) return INVALID;
  if (c['alg'] !== undefined && c['alg'] !== alg) return INVALID;
  const sigOk = c['secret'] !== undefined
    ? hmacOk(alg, t.signingInput, t.outerSignature, str(c['secret']))
    : !alg.startsWith('HS') && verifyWithMaterial(t, alg, str(c['cert']));
  if (!sigOk) return INVALID;
  const nowNs = c['time'] !== undefined ? num(c['time']) : Date.now() * 1e6;
  const exp = t.payload['exp'];
  if (exp !== undefined && nowNs >= num(exp) * 1e9) return INVALID;
  const nbf = t.payload['nbf'];
  if (nbf !== undefined && nowNs < num(nbf) * 1e9) return INVALID;
  if (c['iss'] !== undefined && t.payload['iss'] !== c['iss']) return INVALID;
  if (!audOk(t.payload, c['aud'])) return INVALID;
  return [true, t.header, t.payload];
}

function privateKey(jwk: Obj): KeyObject {
  return createPrivateKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
}

function signRaw(headerText: string, payloadText: string, jwk: Obj): string {
  const header = obj(JSON.parse(headerText));
  if (header['typ'] !== 'text/plain') obj(JSON.parse(payloadText));
  const alg = str(header['alg']);
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
  const { fam, hash } = family(alg);
  const data = Buffer.from(input);
  let sig: Buffer;
  if (fam === 'HS') sig = createHmac(hash as string, Buffer.from(str(jwk['k']), 'base64url')).update(data).digest();
  else if (fam === 'PS') sig = sign(hash, data, { key: privateKey(jwk), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  else if (fam === 'ES') sig = sign(hash, data, { key: privateKey(jwk), dsaEncoding: 'ieee-p1363' });
  else sig = sign(hash, data, privateKey(jwk));
  return `${input}.${sig.toString('base64url')}`;
}

function sortedJson(v: Value): string {
  const sortKeys = (x: Value): Value =>
    Array.isArray(x) ? x.map(sortKeys) : isObj(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k] as Value)])) : x;
  return JSON.stringify(sortKeys(v));
}

export const jwtBuiltins: HostBuiltins = {
  'io.jwt.decode': (token) => {
    const t = parseToken(token);
    return [t.header, t.payload, t.signature.toString('hex')];
  },
  'io.jwt.decode_verify': decodeVerify,
  'io.jwt.encode_sign': (h, p, k) => signRaw(sortedJson(obj(h)), sortedJson(obj(p)), obj(k)),
  'io.jwt.encode_sign_raw': (h, p, k) => signRaw(str(h), str(p), obj(JSON.parse(str(k)))),
  ...Object.fromEntries(
    ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
      .map((alg) => [`io.jwt.verify_${alg.toLowerCase()}`, verifier(alg)]),
  ),
};
