// crypto.x509.* and crypto.parse_private_keys on node:crypto. Certificates come back in the shape
// of Go's x509.Certificate JSON for the fields policies read (Subject, Issuer, SANs, validity,
// Raw); inputs may be PEM text, base64 of PEM, or base64 of DER (a chain is concatenated DER).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

type J = { [k: string]: unknown };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

interface PemBlock {
  readonly type: string;
  readonly der: Buffer;
}

function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1] as string, der: Buffer.from((m[2] as string).replace(/\s+/g, ''), 'base64') }));
}

/** The input as PEM blocks or raw DER: text PEM first, then base64 of PEM, then base64 of DER. */
function decodeInput(input: string): { pem: PemBlock[] } | { der: Buffer } {
  if (input.includes('-----BEGIN')) return { pem: pemBlocks(input) };
  const bytes = Buffer.from(input, 'base64');
  const asText = bytes.toString('latin1');
  if (asText.includes('-----BEGIN')) return { pem: pemBlocks(asText) };
  return { der: bytes };
}

/** Splits concatenated DER SEQUENCEs (a chain) by their ASN.1 lengths. */
function splitDer(der: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < der.length) {
    if (der[i] !== 0x30 || i + 1 >= der.length) throw new SyntaxError('not DER');
    let len = der[i + 1] as number;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || i + 2 + n > der.length) throw new SyntaxError('bad DER length');
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (der[i + 2 + k] as number);
      head = 2 + n;
    }
    if (i + head + len > der.length) throw new SyntaxError('truncated DER');
    out.push(der.subarray(i, i + head + len));
    i += head + len;
  }
  return out;
}

function certDers(input: string): Buffer[] {
  const d = decodeInput(input);
  if ('pem' in d) {
    const certs = d.pem.filter((b) => b.type === 'CERTIFICATE').map((b) => b.der);
    if (certs.length === 0) throw new SyntaxError('no certificates');
    return certs;
  }
  return splitDer(d.der);
}

const NAME_FIELDS: Readonly<Record<string, string>> = {
  C: 'Country', O: 'Organization', OU: 'OrganizationalUnit', L: 'Locality', ST: 'Province', street: 'StreetAddress', postalCode: 'PostalCode',
};

/** Node's one-attribute-per-line distinguished name as Go's pkix.Name. */
function pkixName(dn: string): J {
  const name: J = { CommonName: '', SerialNumber: '' };
  for (const line of dn.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') name['CommonName'] = value;
    else if (key === 'serialNumber') name['SerialNumber'] = value;
    else if (NAME_FIELDS[key] !== undefined) {
      const field = NAME_FIELDS[key] as string;
      name[field] = [...((name[field] as string[] | undefined) ?? []), value];
    }
  }
  return name;
}

function altNames(cert: X509Certificate, prefix: string): string[] | null {
  const list = (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((e) => e.startsWith(`${prefix}:`))
    .map((e) => e.slice(prefix.length + 1));
  return list.length > 0 ? list : null;
}

function certificateJson(der: Buffer): J {
  const c = new X509Certificate(der);
  return {
    Raw: der.toString('base64'),
    Version: 3,
    SerialNumber: BigInt(`0x${c.serialNumber}`).toString(),
    Issuer: pkixName(c.issuer),
    Subject: pkixName(c.subject),
    NotBefore: new Date(c.validFrom).toISOString().replace('.000Z', 'Z'),
    NotAfter: new Date(c.validTo).toISOString().replace('.000Z', 'Z'),
    IsCA: c.ca,
    DNSNames: altNames(c, 'DNS'),
    EmailAddresses: altNames(c, 'email'),
    IPAddresses: altNames(c, 'IP Address'),
    URIStrings: altNames(c, 'URI'),
  };
}

function parseCertificates(input: unknown): J[] {
  return certDers(str(input)).map(certificateJson);
}

/**
 * As OPA: the first certificate is the trusted root, the last the leaf, those between are
 * intermediates. Each must be issued and signed by the one before it; the verified chain comes
 * back leaf first.
 */
function parseAndVerify(input: unknown): [boolean, J[]] {
  let ders: Buffer[];
  try {
    ders = certDers(str(input));
  } catch {
    return [false, []];
  }
  if (ders.length < 2) return [false, []];
  const certs = ders.map((d) => new X509Certificate(d));
  const chained = certs.slice(1).every((c, i) => {
    const issuer = certs[i] as X509Certificate;
    return c.checkIssued(issuer) && c.verify(issuer.publicKey);
  });
  return chained ? [true, [...ders].reverse().map(certificateJson)] : [false, []];
}

// A minimal DER reader, enough to find a CSR's subject.
function readTlv(buf: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = buf[at] as number;
  let len = buf[at + 1] as number;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (buf[at + 2 + k] as number);
    head = 2 + n;
  }
  if (at + head + len > buf.length) throw new SyntaxError('truncated DER');
  return { tag, start: at + head, end: at + head + len };
}

function children(buf: Buffer, start: number, end: number): { tag: number; start: number; end: number }[] {
  const out = [];
  for (let i = start; i < end; ) {
    const t = readTlv(buf, i);
    out.push(t);
    i = t.end;
  }
  return out;
}

const OID_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'street', '2.5.4.17': 'postalCode', '2.5.4.5': 'serialNumber',
};

function oid(buf: Buffer): string {
  const parts = [Math.floor((buf[0] as number) / 40), (buf[0] as number) % 40];
  let v = 0;
  for (const b of buf.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function parseCertificateRequest(input: unknown): J {
  const d = decodeInput(str(input));
  const der = 'pem' in d ? d.pem.find((b) => b.type === 'CERTIFICATE REQUEST' || b.type === 'NEW CERTIFICATE REQUEST')?.der : d.der;
  if (der === undefined) throw new SyntaxError('no certificate request');
  const outer = readTlv(der, 0);
  const info = children(der, outer.start, outer.end)[0];
  if (outer.tag !== 0x30 || info === undefined) throw new SyntaxError('not a certificate request');
  const [version, subject] = children(der, info.start, info.end);
  if (version?.tag !== 0x02 || subject?.tag !== 0x30) throw new SyntaxError('not a certificate request');
  const lines: string[] = [];
  for (const rdn of children(der, subject.start, subject.end)) {
    for (const atv of children(der, rdn.start, rdn.end)) {
      const [type, value] = children(der, atv.start, atv.end);
      if (type === undefined || value === undefined) continue;
      const key = OID_NAMES[oid(der.subarray(type.start, type.end))];
      if (key !== undefined) lines.push(`${key}=${der.subarray(value.start, value.end).toString('utf8')}`);
    }
  }
  return { Raw: der.toString('base64'), Version: 0, Subject: pkixName(lines.join('\n')) };
}

function privateKey(text: string): KeyObject {
  const d = decodeInput(text);
  if ('pem' in d) {
    const block = d.pem.find((b) => b.type.endsWith('PRIVATE KEY'));
    if (block === undefined) throw new SyntaxError('no private key');
    const type = block.type === 'RSA PRIVATE KEY' ? 'pkcs1' : block.type === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
    return createPrivateKey({ key: block.der, format: 'der', type });
  }
  return createPrivateKey({ key: d.der, format: 'der', type: 'pkcs8' });
}

export const x509Builtins: HostBuiltins = {
  'crypto.x509.parse_certificates': parseCertificates,
  'crypto.x509.parse_and_verify_certificates': parseAndVerify,
  'crypto.x509.parse_certificate_request': parseCertificateRequest,
  'crypto.x509.parse_rsa_private_key': (pem) => {
    const key = privateKey(str(pem));
    if (key.asymmetricKeyType !== 'rsa') throw new TypeError('not an RSA key');
    return key.export({ format: 'jwk' });
  },
  'crypto.x509.parse_keypair': (cert, key) => {
    const ders = certDers(str(cert));
    const k = privateKey(str(key));
    const leaf = new X509Certificate(ders[0] as Buffer);
    if (!leaf.checkPrivateKey(k)) throw new TypeError('private key does not match public key');
    return { Certificate: ders.map((d) => d.toString('base64')), PrivateKey: k.export({ format: 'jwk' }) };
  },
  // Go returns a nil list for empty input and an empty one for input without keys.
  'crypto.parse_private_keys': (pem) => {
    const text = str(pem);
    if (text === '') return null;
    const d = decodeInput(text);
    const blocks = 'pem' in d ? d.pem.filter((b) => b.type.endsWith('PRIVATE KEY')) : [];
    return blocks.map((b) => privateKey(`-----BEGIN ${b.type}-----\n${b.der.toString('base64')}\n-----END ${b.type}-----`).export({ format: 'jwk' }));
  },
};
