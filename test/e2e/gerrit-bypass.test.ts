// REST bypasses of the Gerrit gate through the whole proxy (issue 5): every spelling of a
// submit, a vote deletion or a self-approval that Gerrit would run is classified as that action,
// denied for a user without the role (and audited, and never forwarded), and allowed for the
// right one. Spellings Gerrit would not run as that action are unknown writes, denied for all.
// Requests go out byte for byte (node:http, not fetch, whose URL parser would resolve the dot
// segments and escapes before the proxy could see them).

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { commitFile, createGitSandbox, installHook, withCredentials, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { COMMIT_MSG_HOOK } from '../fakes/gerrit/index.js';

let stand: GerritBehindProxy;
let git: GitSandbox;
const tokens = new Map<string, string>();
const clones = new Map<string, { dir: string; base: string }>();

before(async () => {
  stand = await startGerritBehindProxy({ projects: ['demo', 'external/bison'], serviceAccount: true });
  git = await createGitSandbox();
  // alice: admin; bob: reviewer (owns the changes); gus: reviewer (approves); dave: viewer only.
  for (const user of ['alice', 'bob', 'gus', 'dave']) tokens.set(user, (await stand.mint(user)).token);
});

after(async () => {
  await git?.dispose();
  await stand?.close();
});

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly requestId: string;
}

/** Sends `rawPath` exactly as written. */
function send(user: string, method: string, rawPath: string, body?: unknown): Promise<Reply> {
  const url = new URL(stand.base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${user}:${tokens.get(user) ?? ''}`).toString('base64')}` };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), requestId: String(res.headers['x-request-id'] ?? '') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

interface Decision {
  readonly action: string;
  readonly decision: { readonly allow: boolean; readonly reasons: readonly string[] };
  readonly change?: { readonly number?: number };
}

async function decisionFor(requestId: string): Promise<Decision | undefined> {
  return (await stand.audit()).find((r) => r['kind'] === 'decision' && r['requestId'] === requestId) as Decision | undefined;
}

function forwarded(requestId: string): boolean {
  return stand.gerrit.received.some((r) => r.requestId === requestId);
}

interface NewChange {
  readonly number: number;
  readonly project: string;
  readonly changeId: string;
  readonly sha: string;
}

/** bob pushes one independent commit for review; returns the change it made. */
async function newChange(project: string): Promise<NewChange> {
  let clone = clones.get(project);
  if (clone === undefined) {
    const dir = git.dir(`bypass-${project.replace(/\W/g, '-')}`);
    await git.ok(['clone', '-q', withCredentials(`${stand.base}/${project}`, 'bob', tokens.get('bob') ?? ''), dir]);
    await installHook(dir, COMMIT_MSG_HOOK);
    clone = { dir, base: (await git.ok(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim() };
    clones.set(project, clone);
  }
  await git.ok(['checkout', '-q', '--detach', clone.base], { cwd: clone.dir });
  const tag = Math.random().toString(36).slice(2, 10);
  const sha = await commitFile(git, clone.dir, `bypass-${tag}.txt`, `${tag}\n`, `Bypass probe ${tag}`);
  const push = await git.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: clone.dir });
  const m = new RegExp(`/\\+/(\\d+) Bypass probe ${tag}`).exec(push.stderr);
  assert.ok(m, push.stderr);
  const message = (await git.ok(['log', '-1', '--format=%B'], { cwd: clone.dir })).stdout;
  const changeId = /^Change-Id: (I[0-9a-f]{40})$/m.exec(message)?.[1];
  assert.ok(changeId, message);
  return { number: Number(m[1]), project, changeId, sha };
}

/** Code-Review +2 from gus (not the owner) and Verified +1: what the default policy's submit needs. */
async function approve(c: NewChange): Promise<void> {
  const cr = await send('gus', 'POST', `/a/changes/${c.number}/revisions/current/review`, { labels: { 'Code-Review': 2 } });
  assert.equal(cr.status, 200, cr.text);
  const v = await send('alice', 'POST', `/a/changes/${c.number}/revisions/current/review`, { labels: { Verified: 1 } });
  assert.equal(v.status, 200, v.text);
}

const enc = encodeURIComponent;

/** Spellings of "submit change c" that Gerrit runs as a submit. */
const SUBMIT_SPELLINGS: ReadonlyArray<[string, (c: NewChange) => string]> = [
  ['/a/ and a number', (c) => `/a/changes/${c.number}/submit`],
  ['no /a/', (c) => `/changes/${c.number}/submit`],
  ['project~number, %2F', (c) => `/a/changes/${enc(c.project)}~${c.number}/submit`],
  ['project~number, lowercase %2f', (c) => `/a/changes/${enc(c.project).replace('%2F', '%2f')}~${c.number}/submit`],
  ['project~branch~Change-Id', (c) => `/a/changes/${enc(c.project)}~master~${c.changeId}/submit`],
  ['project~refs/heads/branch~Change-Id', (c) => `/a/changes/${enc(c.project)}~refs%2Fheads%2Fmaster~${c.changeId}/submit`],
  ['bare Change-Id', (c) => `/a/changes/${c.changeId}/submit`],
  ['commit SHA', (c) => `/a/changes/${c.sha}/submit`],
  ['%73ubmit', (c) => `/a/changes/${c.number}/%73ubmit`],
  ['%73%75%62%6D%69%74, number escaped too', (c) => `/a/changes/${[...String(c.number)].map((d) => `%3${d}`).join('')}/%73%75%62%6D%69%74`],
  ['trailing slash', (c) => `/a/changes/${c.number}/submit/`],
  ['doubled slashes', (c) => `/a//changes//${c.number}//submit`],
  ['dot segments', (c) => `/a/changes/x/../${c.number}/./submit`],
  ['encoded dot segments', (c) => `/a/changes/%2e%2E/changes/${c.number}/%2e/submit`],
  ['$m=POST', (c) => `/a/changes/${c.number}/submit?$m=POST`],
  ['revision current', (c) => `/a/changes/${c.number}/revisions/current/submit`],
  ['revision sha, project~number', (c) => `/changes/${enc(c.project)}~${c.number}/revisions/${c.sha}/submit`],
];

for (const [name, spell] of SUBMIT_SPELLINGS) {
  test(`submit spelled "${name}": denied for a viewer and audited, allowed for the reviewer once approved`, { timeout: 60_000 }, async () => {
    const c = await newChange(name.includes('%2F') || name.includes('project') ? 'external/bison' : 'demo');
    const p = spell(c);

    const early = await send('bob', 'POST', p);
    assert.equal(early.status, 403, `${p}: ${early.text}`);
    const earlyRec = await decisionFor(early.requestId);
    assert.equal(earlyRec?.action, 'gerrit.change.submit', p);
    assert.ok(earlyRec?.decision.reasons.includes('gerrit_submit_needs_code_review_2_from_non_owner'), JSON.stringify(earlyRec));

    await approve(c);
    const dave = await send('dave', 'POST', p);
    assert.equal(dave.status, 403, `${p}: ${dave.text}`);
    const rec = await decisionFor(dave.requestId);
    assert.equal(rec?.action, 'gerrit.change.submit', p);
    assert.equal(rec?.decision.allow, false);
    assert.equal(rec?.change?.number, c.number, 'the audit record names the change');
    assert.equal(forwarded(dave.requestId), false, 'nothing reached Gerrit');
    assert.equal(stand.gerrit.changes.get(c.number)?.status, 'NEW');

    const bob = await send('bob', 'POST', p);
    assert.equal(bob.status, 200, `${p}: ${bob.text}`);
    assert.equal(stand.gerrit.changes.get(c.number)?.status, 'MERGED');
    const ok = await decisionFor(bob.requestId);
    assert.deepEqual([ok?.action, ok?.decision.allow, ok?.change?.number], ['gerrit.change.submit', true, c.number]);
  });
}

test('spellings Gerrit does not run as a submit are unknown writes, denied even for an admin, never forwarded', { timeout: 60_000 }, async () => {
  const c = await newChange('demo');
  await approve(c);
  const unknown = [
    `/a/changes/${c.number}/SUBMIT`,
    `/a/changes/${c.number}/Submit`,
    `/a/changes/${c.number}/%2573ubmit`,
    `/a/changes/${c.number}/submit%3Bx`,
    `/a/changes/${c.number}/submit?$m=PUT`,
    `/a/changes/${c.number}/submit?$m=DELETE`,
    `/a/changes/${c.number}/submit?%24m=PUT`,
    `/a/changes/${c.number}/submit?$m=POST&$m=POST`,
    `/a/changes/${c.number}/submit/submit`,
    `/a/changes/${c.number}/revisions/current/submit/x`,
    `/a/changes/${c.number}/revisions/submit`,
    `/a/changes/${c.number}%2Fsubmit`,
  ];
  for (const user of ['dave', 'bob', 'alice']) {
    for (const p of unknown) {
      const r = await send(user, 'POST', p);
      assert.equal(r.status, 403, `${user} ${p}: ${r.text}`);
      const rec = await decisionFor(r.requestId);
      assert.equal(rec?.action, 'gerrit.write.unknown', `${user} ${p}`);
      assert.deepEqual(rec?.decision.reasons, ['gerrit_unknown_write'], `${user} ${p}`);
      assert.equal(forwarded(r.requestId), false, p);
    }
  }
  // A change id Gerrit cannot parse, or one naming no change: refused before any decision, still audited.
  const refused: ReadonlyArray<[string, number, string]> = [
    [`/a/changes/%2573${c.number}/submit`, 400, 'bad_request'],
    [`/a/changes/I12/submit`, 400, 'bad_request'],
    [`/a/changes/demo~~${c.number}/submit`, 404, 'not_found'],
    [`/a/changes/demo~${c.number}0000/submit`, 404, 'not_found'],
  ];
  for (const [p, status, code] of refused) {
    const r = await send('alice', 'POST', p);
    assert.equal(r.status, status, `${p}: ${r.text}`);
    const rec = await decisionFor(r.requestId);
    assert.deepEqual(rec?.decision, { allow: false, reasons: [code], revision: 'none' }, p);
    assert.equal(forwarded(r.requestId), false, p);
  }
  // POST ?$m=GET runs as a GET in Gerrit: a read, and the change stays unsubmitted.
  const asGet = await send('dave', 'POST', `/a/changes/${c.number}/submit?$m=GET`);
  assert.equal((await decisionFor(asGet.requestId))?.action, 'gerrit.read');
  assert.equal(stand.gerrit.changes.get(c.number)?.status, 'NEW');
  // Path parameters are refused at the door, before any route or decision.
  const semi = await send('alice', 'POST', `/a/changes/${c.number}/submit;x=1`);
  assert.equal(semi.status, 400, semi.text);
  assert.equal(forwarded(semi.requestId), false);
  assert.equal(stand.gerrit.changes.get(c.number)?.status, 'NEW');
});

test('vote deletion in every spelling: someone else\'s vote is denied (audited), your own is allowed', { timeout: 60_000 }, async () => {
  const spellings: ReadonlyArray<[string, (n: number, who: string) => string]> = [
    ['DELETE', (n, who) => `/a/changes/${n}/reviewers/${who}/votes/Code-Review`],
    ['POST .../delete', (n, who) => `/a/changes/${n}/reviewers/${who}/votes/Code-Review/delete`],
    ['POST ?$m=DELETE', (n, who) => `/a/changes/${n}/reviewers/${who}/votes/Code-Review?$m=DELETE`],
    ['revision level, no /a/, trailing slash', (n, who) => `/changes/demo~${n}/revisions/current/reviewers/${who}/votes/Code-Review/delete/`],
    ['escaped label and view', (n, who) => `/a/changes/${n}/reviewers/${who}/votes/Code%2DReview/%64elete`],
  ];
  for (const [name, spell] of spellings) {
    const c = await newChange('demo');
    const vote = await send('gus', 'POST', `/a/changes/${c.number}/revisions/current/review`, { labels: { 'Code-Review': 2 } });
    assert.equal(vote.status, 200, vote.text);
    const method = name === 'DELETE' ? 'DELETE' : 'POST';
    for (const user of ['dave', 'bob']) {
      const r = await send(user, method, spell(c.number, 'gus'));
      assert.equal(r.status, 403, `${name} as ${user}: ${r.text}`);
      const rec = await decisionFor(r.requestId);
      assert.equal(rec?.action, 'gerrit.change.vote.delete', name);
      assert.equal(rec?.decision.allow, false);
      assert.equal(forwarded(r.requestId), false);
    }
    const gusVote = (): number | undefined => stand.gerrit.changes.get(c.number)?.votes.get('Code-Review')?.get(stand.gerrit.model.account('gus')._account_id)?.value;
    assert.equal(gusVote(), 2, 'denied deletions left the vote alone');
    const own = await send('gus', method, spell(c.number, name.includes('escaped') ? 'self' : 'gus'));
    assert.equal(own.status, 204, `${name} as gus: ${own.text}`);
    const rec = await decisionFor(own.requestId);
    assert.deepEqual([rec?.action, rec?.decision.allow], ['gerrit.change.vote.delete', true]);
    assert.equal(gusVote(), undefined, 'the vote is gone');
  }
});

test('self-approval in other spellings is still self-approval', { timeout: 60_000 }, async () => {
  const c = await newChange('external/bison');
  for (const p of [
    `/changes/${enc(c.project)}~${c.number}/revisions/current/review`,
    `/a/changes/${c.changeId}/revisions/${c.sha}/%72eview`,
    `/a/changes/${enc(c.project)}~master~${c.changeId}/revisions/current/review/`,
    `/a/changes/./${c.number}/revisions/../revisions/current/review`,
  ]) {
    const r = await send('bob', 'POST', p, { labels: { 'Code-Review': 2 } });
    assert.equal(r.status, 403, `${p}: ${r.text}`);
    const rec = await decisionFor(r.requestId);
    assert.equal(rec?.action, 'gerrit.change.review', p);
    assert.deepEqual(rec?.decision.reasons, ['gerrit_self_approval'], p);
    assert.equal(forwarded(r.requestId), false);
  }
});

test('abandon in other spellings: denied for a viewer (audited, not forwarded), allowed for a reviewer', { timeout: 60_000 }, async () => {
  const spellings: ReadonlyArray<(c: NewChange) => string> = [
    (c) => `/changes/${enc(c.project)}~${c.number}/%61bandon/`,
    (c) => `/a/changes/${c.changeId}/abandon?$m=POST`,
    (c) => `/a/changes/${c.sha}/./abandon`,
  ];
  for (const spell of spellings) {
    const c = await newChange('external/bison');
    const p = spell(c);
    const dave = await send('dave', 'POST', p, {});
    assert.equal(dave.status, 403, `${p}: ${dave.text}`);
    const rec = await decisionFor(dave.requestId);
    assert.deepEqual([rec?.action, rec?.decision.allow, rec?.change?.number], ['gerrit.change.update', false, c.number], p);
    assert.equal(forwarded(dave.requestId), false);
    assert.equal(stand.gerrit.changes.get(c.number)?.status, 'NEW');
    const bob = await send('bob', 'POST', p, {});
    assert.equal(bob.status, 200, `${p}: ${bob.text}`);
    assert.equal(stand.gerrit.changes.get(c.number)?.status, 'ABANDONED');
  }
});
