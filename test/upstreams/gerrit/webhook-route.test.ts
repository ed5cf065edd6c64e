// The webhook endpoint on a real admin listener: a merged or abandoned change revokes the tokens
// bound to it, each delivery is audited (decision then completion, never the secret), and
// refusals get JSON errors: 401/403 for the caller, 400 for the body, 503 when the audit log
// cannot be written (then nothing is revoked, so the plugin's retry finds the tokens alive).

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { MemoryTokenStore } from '../../../src/auth/pat/memory-store.js';
import { PatService } from '../../../src/auth/pat/service.js';
import { roleMapper } from '../../../src/auth/session/roles.js';
import type { AuditRecord, AuditSink, CompletionRecord, DecisionRecord } from '../../../src/audit/types.js';
import { WebhookAccess } from '../../../src/upstreams/gerrit/events/access.js';
import { GERRIT_WEBHOOK_PATH, gerritWebhookHandler, type WebhookObservation } from '../../../src/upstreams/gerrit/events/route.js';
import type { OidcIdentity } from '../../../src/identity/types.js';
import { createAdminServer, type AdminServer } from '../../../src/observability/admin.js';
import { createMetrics } from '../../../src/observability/metrics.js';

const SECRET = 'webhook-secret-0123456789-abcdefghij';
const KEY = `I${'c3'.repeat(20)}`;

class RecordingSink implements AuditSink {
  records: AuditRecord[] = [];
  failing = false;
  get ready(): boolean {
    return !this.failing;
  }
  get notReadyReason(): string | undefined {
    return this.failing ? 'disk full' : undefined;
  }
  async append(r: AuditRecord): Promise<void> {
    if (this.failing) throw new Error('disk full');
    this.records.push(r);
  }
  async close(): Promise<void> {}
}

const bob: OidcIdentity = {
  kind: 'authenticated', via: 'oidc', id: 'bob', username: 'bob', email: 'bob@example.test', groups: ['gerrit-reviewers'],
  roles: ['viewer', 'reviewer'], issuer: 'http://idp', human: true, sessionId: 's',
};

let admin: AdminServer;
let url: string;
let sink: RecordingSink;
let pats: PatService;
const seen: WebhookObservation[] = [];
let tokenStoreDown = false;

before(async () => {
  admin = createAdminServer({ metrics: createMetrics({ defaultMetrics: false }) });
  admin.route(
    'POST',
    GERRIT_WEBHOOK_PATH,
    gerritWebhookHandler({
      access: new WebhookAccess({ secret: SECRET }),
      get audit() {
        return sink;
      },
      revokeForChange: async (n) => {
        if (tokenStoreDown) throw new Error('EACCES: tokens.json');
        return pats.onChangeClosed(n);
      },
      maxBodyBytes: 64 * 1024,
      observe: (o) => seen.push(o),
    }),
  );
  const address = await admin.listen('127.0.0.1:0');
  url = `http://127.0.0.1:${address.port}${GERRIT_WEBHOOK_PATH}`;
});

after(() => admin.close());

beforeEach(() => {
  sink = new RecordingSink();
  pats = new PatService(new MemoryTokenStore(), roleMapper({ reviewer: { groups: ['gerrit-reviewers'], subjects: [], clients: [], emails: [] } }), () => Math.floor(Date.now() / 1000));
  seen.length = 0;
});

function event(type: string, number = 42): Record<string, unknown> {
  return {
    type,
    change: { project: 'demo', branch: 'master', id: KEY, number, status: type === 'change-merged' ? 'MERGED' : 'NEW' },
    patchSet: { number: 1, revision: 'd4'.repeat(20) },
    ...(type === 'change-merged' ? { submitter: { username: 'gus' } } : {}),
    eventCreatedOn: 1_700_000_000,
  };
}

async function post(query: string, body: string, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const decisions = (): DecisionRecord[] => sink.records.filter((r): r is DecisionRecord => r.kind === 'decision');
const completions = (): CompletionRecord[] => sink.records.filter((r): r is CompletionRecord => r.kind === 'completion');

test('change-merged revokes only the tokens bound to that change, and is audited', async () => {
  const bound = await pats.mint(bob, { name: 'for 42', change: 42 });
  const other = await pats.mint(bob, { name: 'for 43', change: 43 });
  const r = await post(`?secret=${SECRET}`, JSON.stringify(event('change-merged')));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json['revokedTokens'], 1);
  assert.equal((await pats.check(bound.token)).ok, false);
  assert.equal((await pats.check(other.token)).ok, true);

  const [d] = decisions();
  assert.equal(d?.action, 'gerrit.event.change-merged');
  assert.deepEqual(d?.decision, { allow: true, reasons: ['gerrit_webhook_secret'], revision: 'none' });
  assert.deepEqual(d?.change, { number: 42, changeId: KEY, project: 'demo', branch: 'master' });
  assert.deepEqual(d?.resource['actor'], { username: 'gus' });
  assert.equal(d?.request.path, GERRIT_WEBHOOK_PATH);
  const [c] = completions();
  assert.equal(c?.requestId, d?.requestId);
  assert.deepEqual(c?.learned, { revokedTokens: 1 });
  assert.ok(!JSON.stringify(sink.records).includes(SECRET), 'the secret never reaches the audit trail');
  assert.deepEqual(seen, [{ type: 'change-merged', outcome: 'accepted', change: 42, revoked: 1 }]);
});

test('change-abandoned revokes; patchset-created is only recorded', async () => {
  const bound = await pats.mint(bob, { name: 'for 7', change: 7 });
  const created = await post(`?secret=${SECRET}`, JSON.stringify(event('patchset-created', 7)));
  assert.equal(created.status, 200);
  assert.equal(created.json['revokedTokens'], undefined);
  assert.equal((await pats.check(bound.token)).ok, true);
  const abandoned = await post(`?secret=${SECRET}`, JSON.stringify(event('change-abandoned', 7)));
  assert.equal(abandoned.json['revokedTokens'], 1);
  assert.equal((await pats.check(bound.token)).ok, false);
  assert.deepEqual(decisions().map((d) => d.action), ['gerrit.event.patchset-created', 'gerrit.event.change-abandoned']);
  // Delivered again (the plugin retries): nothing more to revoke, still accepted.
  const again = await post(`?secret=${SECRET}`, JSON.stringify(event('change-abandoned', 7)));
  assert.equal(again.status, 200);
  assert.equal(again.json['revokedTokens'], 0);
});

test('a missing secret is 401, a wrong one 403: JSON, audited as denials, nothing revoked', async () => {
  const bound = await pats.mint(bob, { name: 'for 42', change: 42 });
  const missing = await post('', JSON.stringify(event('change-merged')));
  assert.equal(missing.status, 401);
  assert.equal(missing.json['error'], 'unauthenticated');
  const wrong = await post('?secret=guess', JSON.stringify(event('change-merged')));
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json['error'], 'forbidden');
  assert.equal(typeof wrong.json['requestId'], 'string');
  assert.equal((await pats.check(bound.token)).ok, true);
  assert.deepEqual(decisions().map((d) => [d.action, d.decision.allow, d.decision.reasons]), [
    ['gerrit.event', false, ['unauthenticated']],
    ['gerrit.event', false, ['forbidden']],
  ]);
  assert.ok(!JSON.stringify(sink.records).includes('guess'));
});

test('bad bodies are 400 with a reason, audited; other event types 202 and untouched', async () => {
  const bound = await pats.mint(bob, { name: 'for 42', change: 42 });
  const notJson = await post(`?secret=${SECRET}`, '{"type":', 'application/json');
  assert.equal(notJson.status, 400);
  assert.equal(notJson.json['error'], 'bad_body');
  assert.match(String(notJson.json['reason']), /strict JSON/);
  const noNumber = await post(`?secret=${SECRET}`, JSON.stringify({ ...event('change-merged'), change: { id: KEY, project: 'demo', branch: 'master' } }));
  assert.equal(noNumber.status, 400);
  assert.match(String(noNumber.json['reason']), /change\.number/);
  const form = await post(`?secret=${SECRET}`, 'type=change-merged', 'application/x-www-form-urlencoded');
  assert.equal(form.status, 400);
  const comment = await post(`?secret=${SECRET}`, JSON.stringify(event('comment-added')));
  assert.equal(comment.status, 202);
  assert.equal(comment.json['status'], 'ignored');
  assert.equal((await pats.check(bound.token)).ok, true);
  assert.deepEqual(decisions().map((d) => d.decision.reasons), [['bad_body'], ['bad_body'], ['bad_body']]);
});

test('too large a body is 413', async () => {
  const big = JSON.stringify({ ...event('change-merged'), padding: 'x'.repeat(70 * 1024) });
  const r = await post(`?secret=${SECRET}`, big);
  assert.equal(r.status, 413);
  assert.equal(r.json['error'], 'payload_too_large');
});

test('when the audit log cannot be written: 503 and no revocation', async () => {
  const bound = await pats.mint(bob, { name: 'for 42', change: 42 });
  sink.failing = true;
  const r = await post(`?secret=${SECRET}`, JSON.stringify(event('change-merged')));
  assert.equal(r.status, 503);
  assert.equal(r.json['error'], 'audit_unavailable');
  assert.equal((await pats.check(bound.token)).ok, true);
  sink.failing = false;
  const retry = await post(`?secret=${SECRET}`, JSON.stringify(event('change-merged')));
  assert.equal(retry.json['revokedTokens'], 1);
});

test('when the token store cannot be written: 500 so the plugin retries, and the completion says so', async () => {
  const bound = await pats.mint(bob, { name: 'for 42', change: 42 });
  tokenStoreDown = true;
  try {
    const r = await post(`?secret=${SECRET}`, JSON.stringify(event('change-merged')));
    assert.equal(r.status, 500);
    assert.equal(r.json['error'], 'internal');
  } finally {
    tokenStoreDown = false;
  }
  assert.equal((await pats.check(bound.token)).ok, true);
  const [c] = completions();
  assert.deepEqual([c?.status, c?.error], [500, 'internal']);
  assert.equal(seen.at(-1)?.outcome, 'failed');
});

test('only POST is served', async () => {
  const res = await fetch(`${url}?secret=${SECRET}`);
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'POST');
});
