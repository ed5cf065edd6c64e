// crypto.x509.* host builtins on certificates made by openssl for the test: a root CA and a leaf
// it signed (with DNS and URI SANs), a CSR, and their RSA keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostBuiltins } from '../../../src/rego/builtins/host/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-x509-'));
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Root CA/O=Changegate');
openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example.com');
writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:leaf.example.com,URI:spiffe://example.com/leaf\n');
openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '1', '-extfile', 'san.ext');
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
const [ca, leaf, leafKey, csr] = [read('ca.pem'), read('leaf.pem'), read('leaf.key'), read('leaf.csr')];
rmSync(dir, { recursive: true, force: true });

function call(name: string, ...args: unknown[]): unknown {
  const fn = hostBuiltins()[name];
  assert.ok(fn, `host builtin ${name} exists`);
  return fn(...args);
}

const derOf = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');

test('parse_certificates reads PEM text, base64 PEM and base64 DER chains', () => {
  type Cert = { Subject: { CommonName: string; Organization?: string[] }; DNSNames: string[] | null; URIStrings: string[] | null };
  const certs = call('crypto.x509.parse_certificates', leaf + ca) as Cert[];
  assert.deepEqual(certs.map((c) => c.Subject.CommonName), ['leaf.example.com', 'Test Root CA']);
  assert.deepEqual(certs[0]?.DNSNames, ['leaf.example.com']);
  assert.deepEqual(certs[0]?.URIStrings, ['spiffe://example.com/leaf']);
  assert.equal(certs[1]?.URIStrings, null);
  assert.deepEqual(certs[1]?.Subject.Organization, ['Changegate']);
  const b64Pem = call('crypto.x509.parse_certificates', Buffer.from(leaf).toString('base64')) as Cert[];
  assert.equal(b64Pem[0]?.Subject.CommonName, 'leaf.example.com');
  const derChain = Buffer.concat([Buffer.from(derOf(leaf), 'base64'), Buffer.from(derOf(ca), 'base64')]).toString('base64');
  assert.equal((call('crypto.x509.parse_certificates', derChain) as Cert[]).length, 2);
  assert.equal(call('crypto.x509.parse_certificates', 'foobar'), undefined);
});

test('parse_and_verify_certificates wants the root first and returns the chain leaf first', () => {
  const [ok, chain] = call('crypto.x509.parse_and_verify_certificates', ca + leaf) as [boolean, { Subject: { CommonName: string } }[]];
  assert.equal(ok, true);
  assert.deepEqual(chain.map((c) => c.Subject.CommonName), ['leaf.example.com', 'Test Root CA']);
  assert.deepEqual(call('crypto.x509.parse_and_verify_certificates', leaf + ca), [false, []]);
});

test('certificate requests, RSA keys and key pairs', () => {
  const req = call('crypto.x509.parse_certificate_request', csr) as { Subject: { CommonName: string } };
  assert.equal(req.Subject.CommonName, 'leaf.example.com');
  const jwk = call('crypto.x509.parse_rsa_private_key', leafKey) as { kty: string; n: string };
  assert.equal(jwk.kty, 'RSA');
  const pair = call('crypto.x509.parse_keypair', leaf, leafKey) as { Certificate: string[] };
  assert.equal(pair.Certificate[0], derOf(leaf));
  assert.equal(call('crypto.x509.parse_keypair', ca, leafKey), undefined, 'the key must belong to the certificate');
  assert.equal((call('crypto.parse_private_keys', leafKey) as unknown[]).length, 1);
  assert.deepEqual(call('crypto.parse_private_keys', 'nope'), []);
  assert.equal(call('crypto.parse_private_keys', ''), null);
});
