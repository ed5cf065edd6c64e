// Tokens bound to a Gerrit change die with it (issue 5), end to end: the Gerrit stand-in posts
// its webhook events to the proxy's admin listener, and a submit or abandon that goes through
// the proxy revokes by itself. The audit file says what happened; /metrics counts revocations.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { commitFile, createGitSandbox, installHook, withCredentials, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { COMMIT_MSG_HOOK } from '../fakes/gerrit/index.js';
import { eventually } from '../fakes/poll.js';

const SECRET = 'e2e-webhook-secret-0123456789abcdef';

let stand: GerritBehindProxy;
let git: GitSandbox;
let hookUrl: string;
const tokens = new Map<string, string>();

before(async () => {
  stand = await startGerritBehindProxy({ projects: ['demo'], serviceAccount: true, webhooks: { secret: SECRET } });
  git = await createGitSandbox();
  for (const user of ['alice', 'bob', 'gus']) tokens.set(user, (await stand.mint(user)).token);
  hookUrl = `${stand.adminBase}/gerrit/webhooks?secret=${SECRET}`;
});

after(async () => {
  await git?.dispose();
  await stand?.close();
});

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

async function rest(user: string, method: string, p: string, body?: unknown, token = tokens.get(user) ?? ''): Promise<{ status: number; text: string; requestId: string }> {
  const headers: Record<string, string> = { authorization: basic(user, token) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stand.base}${p}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-request-id') ?? '' };
}

let cloneDir: string | undefined;
async function newChange(): Promise<{ number: number; changeId: string }> {
  if (cloneDir === undefined) {
    cloneDir = git.dir('hooks-bob');
    await git.ok(['clone', '-q', withCredentials(`${stand.base}/demo`, 'bob', tokens.get('bob') ?? ''), cloneDir]);
    await installHook(cloneDir, COMMIT_MSG_HOOK);
  }
  await git.ok(['checkout', '-q', '--detach', 'origin/master'], { cwd: cloneDir });
  const tag = Math.random().toString(36).slice(2, 10);
  await commitFile(git, cloneDir, `${tag}.txt`, `${tag}\n`, `Webhook probe ${tag}`);
  const push = await git.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: cloneDir });
  const m = new RegExp(`/\\+/(\\d+) Webhook probe ${tag}`).exec(push.stderr);
  assert.ok(m, push.stderr);
  const changeId = /^Change-Id: (I[0-9a-f]{40})$/m.exec((await git.ok(['log', '-1', '--format=%B'], { cwd: cloneDir })).stdout)?.[1];
  assert.ok(changeId);
  return { number: Number(m[1]), changeId };
}

/** Whether bob's token still gets through the proxy (a read he is allowed). */
async function works(token: string): Promise<boolean> {
  const r = await rest('bob', 'GET', '/a/accounts/self', undefined, token);
  if (r.status !== 200 && r.status !== 401) assert.fail(`unexpected ${r.status}: ${r.text}`);
  return r.status === 200;
}

type Rec = Record<string, unknown> & { kind: string; requestId: string; action?: string; learned?: Record<string, unknown>; change?: { number?: number }; decision?: { allow: boolean; reasons: string[] } };
const records = async (): Promise<Rec[]> => (await stand.audit()) as Rec[];

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${stand.adminBase}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test('a change abandoned in Gerrit: its webhook event revokes the tokens bound to it, and is audited', { timeout: 60_000 }, async () => {
  const c = await newChange();
  const bound = await stand.mint('bob', { change: c.number });
  const unbound = await stand.mint('bob', { change: c.number + 1000 });
  assert.equal(await works(bound.token), true);
  stand.gerrit.setWebhookUrl(hookUrl);
  try {
    // Abandoned behind the proxy's back (as Gerrit's own UI or a batch job would).
    const direct = await fetch(`${stand.gerrit.url}/a/changes/${c.number}/abandon`, { method: 'POST', headers: { 'x-forwarded-user': 'bob', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(direct.status, 200, await direct.text());
    await eventually('the webhook delivery', async () => stand.gerrit.deliveries.some((d) => d.type === 'change-abandoned'));
    assert.deepEqual(stand.gerrit.deliveries.filter((d) => d.type === 'change-abandoned').map((d) => d.result), [200]);
  } finally {
    stand.gerrit.setWebhookUrl(undefined);
  }
  await eventually('the bound token to stop working', async () => !(await works(bound.token)));
  assert.equal(await works(unbound.token), true, 'a token bound to another change lives on');
  const denied = await rest('bob', 'GET', '/a/accounts/self', undefined, bound.token);
  assert.match(denied.text, new RegExp(`change ${c.number} was closed`));

  const all = await records();
  const event = all.find((r) => r.kind === 'decision' && r.action === 'gerrit.event.change-abandoned' && r.change?.number === c.number);
  assert.ok(event, 'the event is audited');
  assert.deepEqual(event.decision, { allow: true, reasons: ['gerrit_webhook_secret'], revision: 'none' });
  assert.deepEqual(event.change, { number: c.number, changeId: c.changeId, project: 'demo', branch: 'master' });
  const done = all.find((r) => r.kind === 'completion' && r.requestId === event.requestId);
  assert.deepEqual(done?.learned, { revokedTokens: 1 });
  assert.ok(!JSON.stringify(all).includes(SECRET), 'the secret is not in the audit log');
  assert.equal(await metric('changegate_pat_revocations_total', 'source="webhook"'), 1);
  assert.equal(await metric('changegate_gerrit_webhook_events_total', 'type="change-abandoned",outcome="accepted"'), 1);
});

test('a wrong or missing secret is refused with JSON and audited; nothing is revoked', { timeout: 60_000 }, async () => {
  const bound = await stand.mint('bob', { change: 999 });
  const body = JSON.stringify({ type: 'change-merged', change: { number: 999, id: `I${'0'.repeat(40)}`, project: 'demo', branch: 'master' } });
  for (const [query, status, code] of [['?secret=not-it', 403, 'forbidden'], ['', 401, 'unauthenticated']] as const) {
    const res = await fetch(`${stand.adminBase}/gerrit/webhooks${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const json = (await res.json()) as { error: string; requestId: string };
    assert.equal(json.error, code);
    const rec = (await records()).find((r) => r.requestId === json.requestId);
    assert.deepEqual(rec?.decision, { allow: false, reasons: [code], revision: 'none' });
  }
  const bad = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"change-merged","change":{}}' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { reason: string }).reason, /change\.number/);
  assert.equal(await works(bound.token), true);
});

test('a submit through the proxy revokes the tokens bound to the change, without any webhook', { timeout: 60_000 }, async () => {
  const c = await newChange();
  const bound = await stand.mint('bob', { change: c.number });
  assert.equal((await rest('gus', 'POST', `/a/changes/${c.number}/revisions/current/review`, { labels: { 'Code-Review': 2 } })).status, 200);
  assert.equal((await rest('alice', 'POST', `/a/changes/${c.number}/revisions/current/review`, { labels: { Verified: 1 } })).status, 200);
  const before = await metric('changegate_pat_revocations_total', 'source="proxy"');
  const deliveries = stand.gerrit.deliveries.length;
  // A submit Gerrit refuses (a revision the change does not have) closes nothing.
  const wrong = await rest('bob', 'POST', `/a/changes/${c.number}/revisions/${'0'.repeat(40)}/submit`);
  assert.notEqual(wrong.status, 200);
  assert.equal(await works(bound.token), true);

  const submit = await rest('bob', 'POST', `/a/changes/demo~${c.number}/submit`);
  assert.equal(submit.status, 200, submit.text);
  assert.equal(stand.gerrit.deliveries.length, deliveries, 'no webhook is configured in Gerrit now');
  await eventually('the bound token to stop working', async () => !(await works(bound.token)));
  assert.equal(await metric('changegate_pat_revocations_total', 'source="proxy"'), before + 1);
});

test('an abandon through the proxy by Change-Id revokes too (the number is looked up)', { timeout: 60_000 }, async () => {
  const c = await newChange();
  const bound = await stand.mint('bob', { change: c.number });
  const abandon = await rest('bob', 'POST', `/a/changes/${c.changeId}/abandon`, {});
  assert.equal(abandon.status, 200, abandon.text);
  const rec = (await records()).find((r) => r.kind === 'decision' && r.requestId === abandon.requestId);
  assert.equal(rec?.change?.number, c.number, 'the decision record names the change by number');
  await eventually('the bound token to stop working', async () => !(await works(bound.token)));
});
