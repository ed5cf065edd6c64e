// Review bodies whose fields Gerrit's Gson would coerce (issue 13, part 1), through the whole
// proxy: `ci` may only vote Verified, and `"ready": "true"` or `"work_in_progress": "TRUE"` are
// booleans to Gson (the stand-in reads them the same way). Each is refused with 400 naming the
// field, audited with the reason, and never reaches Gerrit; the plain Verified vote still does.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/main/server.js';
import { packageRoot } from '../../src/util/package-root.js';
import { startDemoGerrit } from '../fakes/gerrit/demo.js';
import type { FakeGerrit } from '../fakes/gerrit/index.js';
import { auditRecords } from '../fakes/audit-records.js';
import { startTestIdp, type TestIdp } from '../fakes/idp.js';

const CI = { kind: 'machine', clientId: 'ci-runner', clientSecret: 'ci-secret', audience: 'changegate' } as const;
const REVIEW = '/a/changes/1/revisions/current/review';
let dir: string;
let idp: TestIdp;
let gerrit: FakeGerrit;
let proxy: ChangegateHandle;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'changegate-review-types-'));
  idp = await startTestIdp({ clients: [CI] });
  gerrit = await startDemoGerrit({ port: 0, tokens: { 'changegate-bot': 'bot-secret' } });
  const config = configSchema.parse({
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    publicUrl: 'http://127.0.0.1:8080',
    stateDir: join(dir, 'state'),
    upstreams: { gerrit: { url: gerrit.url, serviceAccount: { username: 'changegate-bot', token: 'bot-secret' } } },
    identity: { bearer: [{ issuer: idp.issuer, audience: 'changegate' }], roles: { ci: { clients: [CI.clientId] } } },
    policy: { path: join(packageRoot(), 'policies'), watch: false },
    audit: { path: join(dir, 'audit.jsonl') },
  });
  proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
});

after(async () => {
  await proxy.close();
  await Promise.all([gerrit.close(), idp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: string): Promise<{ status: number; json: Record<string, unknown>; requestId: string }> {
  const res = await fetch(`http://127.0.0.1:${proxy.ingress.port}${REVIEW}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await idp.mintClientToken(CI.clientId)}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: res.status >= 400 ? (JSON.parse(text) as Record<string, unknown>) : {}, requestId: res.headers.get('x-request-id') ?? '' };
}

function decision(requestId: string): Record<string, any> | undefined {
  return auditRecords<Record<string, any>>(join(dir, 'audit.jsonl')).find((r) => r['kind'] === 'decision' && r['requestId'] === requestId);
}

const forwarded = (requestId: string): boolean => gerrit.received.some((r) => r.requestId === requestId);

for (const [field, body] of [
  ['ready', '{"labels":{"Verified":1},"ready":"true"}'],
  ['work_in_progress', '{"labels":{"Verified":1},"work_in_progress":"TRUE"}'],
  ['labels', '{"labels":{"Verified":"+1","Code-Review":"2"}}'],
] as const) {
  test(`ci's review with ${field} in a type Gson coerces is refused, audited and not forwarded`, async () => {
    const wipBefore = gerrit.changes.get(1)?.wip;
    const res = await post(body);
    assert.equal(res.status, 400);
    assert.equal(res.json['error'], 'bad_body');
    assert.equal(res.json['field'], field);
    assert.match(String(res.json['reason']), new RegExp(`"${field}"`));
    const d = decision(res.requestId);
    assert.equal(d?.['decision']?.['allow'], false);
    assert.deepEqual(d?.['decision']?.['reasons'], ['bad_body']);
    assert.match(String(d?.['resource']?.['reason']), new RegExp(`"${field}"`), 'the audit record says why');
    assert.equal(forwarded(res.requestId), false);
    assert.equal(gerrit.changes.get(1)?.wip, wipBefore, 'the change did not change state');
  });
}

test('ci voting Verified with a JSON number is still allowed and forwarded', async () => {
  const res = await post('{"labels":{"Verified":1},"ready":false}');
  assert.equal(res.status, 200);
  assert.equal(decision(res.requestId)?.['decision']?.['allow'], true);
  assert.equal(forwarded(res.requestId), true);
});

test('ci marking the change ready with a real boolean is denied by policy', async () => {
  const res = await post('{"labels":{"Verified":1},"ready":true}');
  assert.equal(res.status, 403);
  assert.equal(forwarded(res.requestId), false);
});
