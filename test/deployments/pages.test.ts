// /.changegate/deployments and /.changegate/api/deployments: only what policy lets the caller
// see (decided per deployment, with the change in the resource), hostile names escaped, and a
// 401 with no identity.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { deploymentsRouter, view, type DeploymentView } from '../../src/deployments/pages.js';
import type { DeploymentRecord } from '../../src/deployments/registry.js';
import type { AuthenticatedIdentity } from '../../src/identity/types.js';
import type { Decider, PolicyInput } from '../../src/policy/types.js';
import { ALICE } from '../pipeline/fakes.js';
import { snapshot } from './controller-harness.js';

const serving = (patchset: number) => ({ patchset, sha: 'a'.repeat(40), url: 'http://127.0.0.1:4000', handle: { pid: 1 }, readyAt: '2026-03-01T00:00:00.000Z' });
const HOSTILE = `<script>alert("x")</script>&'`;

const records: DeploymentRecord[] = [
  { name: 'gerrit-change-1', change: snapshot(1, 2, { owner: 'alice' }), pathPrefix: '/d/1', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z', state: { status: 'failed', at: '2026-03-01T00:00:00.000Z', error: `boom ${HOSTILE}`, output: '', serving: serving(1) } },
  { name: 'gerrit-change-2', change: snapshot(2, 1, { owner: 'bob', reviewers: ['alice'], project: HOSTILE, branch: HOSTILE }), pathPrefix: '/d/2', createdAt: '2026-02-28T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z', state: { status: 'ready', serving: serving(1) } },
  { name: 'gerrit-change-3', change: snapshot(3, 1, { owner: 'bob' }), pathPrefix: '/d/3', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z', state: { status: 'ready', serving: serving(1) } },
  { name: 'gerrit-change-4', change: snapshot(4, 1, { owner: 'alice', status: 'MERGED' }), pathPrefix: '/d/4', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z', state: { status: 'closed', at: '2026-03-01T00:00:00.000Z', reason: 'MERGED' } },
];

/** Owners and reviewers see a deployment; operators see all. */
const inputs: PolicyInput[] = [];
const decider: Decider = {
  ready: true,
  decide(input) {
    inputs.push(input);
    const change = (input.resource['deployment'] as { change: { owner: string; reviewers: string[] } }).change;
    const who = input.subject?.username ?? '';
    const allow = input.action === 'deployment.view' && (input.subject?.roles.includes('operator') === true || change.owner === who || change.reviewers.includes(who));
    return { allow, reasons: [allow ? 'allowed' : 'denied'], revision: 'test' };
  },
};

const people: Record<string, AuthenticatedIdentity> = {
  alice: { ...ALICE, roles: [] },
  carol: { ...ALICE, id: 'carol', username: 'carol', email: 'carol@example.com', roles: [] },
  operator: ALICE,
};

let base: string;
let server: http.Server;

before(async () => {
  const app = express();
  app.use(
    '/.changegate',
    deploymentsRouter({
      kind: 'dagster',
      list: () => records,
      link: (n) => `https://cg.example.com/d/${n}/?x="<q>"`,
      identify: async (req) => {
        const who = req.headers['x-test-user'];
        if (who === 'throws') throw new Error('IdP down');
        return typeof who === 'string' ? people[who] : undefined;
      },
      decider,
      now: () => new Date('2026-03-01T02:00:00.000Z'),
    }),
  );
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.changegate`;
});

after(() => new Promise<void>((resolve) => server?.close(() => resolve())));

async function api(user: string | undefined): Promise<{ status: number; body: { deployments?: DeploymentView[]; error?: string; reason?: string } }> {
  const res = await fetch(`${base}/api/deployments`, { headers: user === undefined ? {} : { 'x-test-user': user } });
  return { status: res.status, body: (await res.json()) as never };
}

test('each caller sees the deployments policy allows them, decided per deployment with the change', async () => {
  inputs.length = 0;
  assert.deepEqual((await api('alice')).body.deployments?.map((d) => d.change), [1, 2, 4]);
  assert.equal(inputs.length, records.length, 'one decision per deployment');
  const input = inputs.find((i) => (i.resource['deployment'] as { name: string }).name === 'gerrit-change-2')!;
  assert.equal(input.subject?.username, 'alice');
  assert.deepEqual((input.resource['deployment'] as Record<string, unknown>)['change'], { number: 2, id: records[1]!.change.id, project: HOSTILE, branch: HOSTILE, patchset: 1, owner: 'bob', reviewers: ['alice'], status: 'OPEN' });
  assert.deepEqual((await api('carol')).body.deployments, []);
  assert.deepEqual((await api('operator')).body.deployments?.map((d) => d.change), [1, 2, 3, 4]);
});

test('the JSON view: serving patch set while a newer one failed, last error, closed reason, age', async () => {
  const all = (await api('operator')).body.deployments!;
  const [one, two, , four] = all;
  assert.equal(one?.status, 'failed');
  assert.equal(one?.servingPatchset, 1);
  assert.match(one?.lastError ?? '', /^boom /);
  assert.equal(one?.ageSeconds, 7200);
  assert.equal(two?.servingPatchset, undefined, 'serving the patch set it names');
  assert.equal(four?.closedReason, 'MERGED');
  assert.equal(view(records[0]!, 'l', Date.parse('2026-02-01T00:00:00.000Z')).ageSeconds, 0, 'a clock behind the record is no negative age');
});

test('without an identity (or when identifying fails) a 401 with a reason, never the list', async () => {
  for (const user of [undefined, 'nobody', 'throws']) {
    for (const path of ['/api/deployments', '/deployments']) {
      const res = await fetch(`${base}${path}`, { headers: user === undefined ? {} : { 'x-test-user': user } });
      assert.equal(res.status, 401, `${path} ${user}`);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as { error: string; reason: string };
      assert.equal(body.error, 'unauthenticated');
      assert.match(body.reason, /sign in/);
    }
  }
});

test('the HTML page escapes hostile project, branch, error and link; closed changes have no link', async () => {
  const res = await fetch(`${base}/deployments`, { headers: { 'x-test-user': 'operator' } });
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(!html.includes('<script>alert'), 'no live script');
  assert.ok(!html.includes('"<q>"'), 'the link is escaped in its attribute');
  assert.match(html, /&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62;&#38;&#39;/);
  assert.match(html, /boom &#60;script&#62;/);
  assert.match(html, /<td>4<\/td>/, 'a closed change is not a link');
  assert.match(html, /closed \(merged\)/);
  assert.match(html, /2 \(serving 1\)/);
  const carol = await (await fetch(`${base}/deployments`, { headers: { 'x-test-user': 'carol' } })).text();
  assert.match(carol, /No branch deployments you can see/);
});
