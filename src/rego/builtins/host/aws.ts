// providers.aws.sign_req: AWS Signature Version 4 over a Rego http.send-style request object.
import { createHash, createHmac } from 'node:crypto';
import type { HostBuiltins } from './index.js';
import { parseRegoText, regoString, termToValue, type Term } from './rego-text.js';
import { num, obj, str, type Obj } from './values.js';

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function amzDate(ns: number): { stamp: string; date: string } {
  const iso = new Date(Math.floor(ns / 1e6)).toISOString();
  const stamp = iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { stamp, date: stamp.slice(0, 8) };
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams.entries()].map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const);
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function signRequest(reqV: unknown, cfgV: unknown, nsV: unknown): Obj {
  const req = obj(reqV);
  const cfg = obj(cfgV);
  // As OPA signs: the method exactly as given, the path exactly as written (empty stays empty).
  const method = str(req['method']);
  const url = new URL(str(req['url']));
  const service = str(cfg['aws_service']);
  const region = str(cfg['aws_region']);
  const { stamp, date } = amzDate(typeof nsV === 'bigint' ? Number(nsV) : num(nsV));
  const body = typeof req['raw_body'] === 'string' ? req['raw_body'] : req['body'] !== undefined ? JSON.stringify(req['body']) : '';
  const unsigned = cfg['disable_payload_signing'];
  if (unsigned !== undefined && typeof unsigned !== 'boolean') throw new TypeError('disable_payload_signing must be a boolean');
  const payloadHash = unsigned === true ? 'UNSIGNED-PAYLOAD' : sha256(body);

  const headers: Record<string, string> = {};
  if (req['headers'] !== undefined) for (const [k, v] of Object.entries(obj(req['headers']))) headers[k] = str(v);
  headers['host'] = url.host;
  headers['x-amz-date'] = stamp;
  // As OPA: a content-hash header the request already has is what gets signed, although the
  // returned request carries the computed hash.
  const existingSha = headers['x-amz-content-sha256'];
  headers['x-amz-content-sha256'] = payloadHash;
  if (typeof cfg['aws_session_token'] === 'string') headers['x-amz-security-token'] = cfg['aws_session_token'];

  const names = Object.keys(headers).map((k) => k.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]));
  const signedValue = (n: string): string => (n === 'x-amz-content-sha256' && existingSha !== undefined ? existingSha : (lower[n] as string));
  const canonicalHeaders = names.map((n) => `${n}:${signedValue(n)}\n`).join('');
  const signedHeaders = names.join(';');
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(str(req['url']))?.[1] ?? '';
  const canonical = [method, path, canonicalQuery(url), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${str(cfg['aws_secret_access_key'])}`, date), region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const auth = `AWS4-HMAC-SHA256 Credential=${str(cfg['aws_access_key'])}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { ...req, headers: { ...headers, Authorization: auth } as Obj } as Obj;
}

/**
 * Arguments and result travel as Rego value text (../host-abi.ts): a request body may hold sets,
 * which must come back as sets. The body is signed as its JSON (sets as arrays), as OPA does.
 */
function signRequestText(reqText: unknown, cfgText: unknown, nsText: unknown): string {
  const req = parseRegoText(str(reqText));
  if (req.t !== 'object') throw new TypeError('request must be an object');
  const signed = signRequest(termToValue(req), termToValue(parseRegoText(str(cfgText))), termToValue(parseRegoText(str(nsText))));
  const headers = obj(signed['headers']);
  const headerTerm: Term = {
    t: 'object',
    entries: Object.entries(headers).map(([k, v]): [Term, Term] => [scalar(k), scalar(str(v))]),
  };
  const isHeaders = (k: Term): boolean => k.t === 'scalar' && k.value === 'headers';
  return regoString({ t: 'object', entries: [...req.entries.filter(([k]) => !isHeaders(k)), [scalar('headers'), headerTerm]] });
}

function scalar(s: string): Term {
  return { t: 'scalar', text: JSON.stringify(s), value: s };
}

export const awsBuiltins: HostBuiltins = {
  'providers.aws.sign_req': signRequestText,
};
