import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REDACTED, redactFields } from '../../src/observability/redact.js';

describe('redactFields', () => {
  test('secret names are censored at the top level and down to four levels below it, in any casing', () => {
    const fields = {
      Authorization: 'Bearer top',
      a: { 'PROXY-AUTHORIZATION': 'Basic one' },
      b: { c: { d: { e: { token: 'four-deep' } } } },
      list: [{ password: 'in-array' }],
      kept: { status: 200 },
    };
    const out = JSON.stringify(redactFields(fields));
    for (const secret of ['Bearer top', 'Basic one', 'four-deep', 'in-array']) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    assert.equal(JSON.parse(out).kept.status, 200);
    assert.equal(JSON.parse(out).Authorization, REDACTED);
  });

  test('credential parameters are scrubbed out of strings, top level and nested', () => {
    const out = redactFields({ url: '/x?access_token=abc&q=1', nested: { link: 'https://h/?token=def' } });
    assert.equal(out['url'], `/x?access_token=${REDACTED}&q=1`);
    assert.deepEqual(out['nested'], { link: `https://h/?token=${REDACTED}` });
  });

  test('what JSON.stringify prints is what is redacted: toJSON results and class instances', () => {
    class Creds {
      readonly user = 'u';
      readonly password = 'class-secret';
    }
    const withJson = { toJSON: () => ({ cookie: 'json-secret' }) };
    const out = JSON.stringify(redactFields({ creds: new Creds(), withJson }));
    assert.ok(!out.includes('class-secret') && !out.includes('json-secret'), out);
  });

  test('the caller object is never modified, and an object with nothing to redact is returned as is', () => {
    const inner = { authorization: 'Bearer x' };
    const fields = { headers: inner };
    const out = redactFields(fields);
    assert.equal(inner.authorization, 'Bearer x');
    assert.notEqual(out, fields);
    const clean = { status: 200, path: '/changes/', nested: { a: [1, 2] } };
    assert.equal(redactFields(clean), clean);
  });

  test('a deeply nested or cyclic value costs a bounded walk', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    // Returns (no stack overflow, no endless loop): the walk stops four levels down.
    assert.ok(redactFields({ cyclic, deep }));
  });
});
