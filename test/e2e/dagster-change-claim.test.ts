// X-Gerrit-Change is a claim, not a fact (issue 13, part 2), through the whole proxy with the
// Gerrit and Dagster stand-ins. An operator who cannot see change 1 in Gerrit names it: 400,
// audited, no run, and the service account says nothing on the change. One who can see it gets
// the run stamped and announced, with Gerrit's own view of the change (project included); the
// lookup is made as the caller, with no service-account credential. A trusted role (`ci`) is
// taken at its word without a lookup. The policy input says where the change came from.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/proxy/server.js';
import { repoRoot } from '../dagster/harness.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { startDemoGerrit } from '../fakes/gerrit/demo.js';
import type { FakeGerrit } from '../fakes/gerrit/index.js';
import { auditRecords } from '../fakes/audit-records.js';
import { startTestIdp, type TestIdp } from '../fakes/idp.js';

const machine = (clientId: string) => ({ kind: 'machine', clientId, clientSecret: `${clientId}-secret`, audience: 'changegate' }) as const;
const INSIDER = machine('scheduler'); // operator who can read project demo in Gerrit
const INTRUDER = machine('carol-bot'); // operator who cannot
const CI = machine('ci-runner');
const dir = mkdtempSync(join(tmpdir(), 'changegate-change-claim-'));
let idp: TestIdp;
let gerrit: FakeGerrit;
let dagster: FakeDagster;
let proxy: ChangegateHandle;

before(async () => {
  idp = await startTestIdp({ clients: [INSIDER, INTRUDER, CI] });
  gerrit = await startDemoGerrit({ port: 0, tokens: { 'changegate-bot': 'bot-secret' }, readAccess: { demo: ['bob', 'changegate-bot', INSIDER.clientId] } });
  dagster = await startFakeDagster({ port: 0, pathPrefix: '/dagster' });
  const config = configSchema.parse({
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    publicUrl: 'http://127.0.0.1:8080',
    stateDir: join(dir, 'state'),
    upstreams: {
      gerrit: { url: gerrit.url, serviceAccount: { username: 'changegate-bot', token: 'bot-secret' } },
      dagster: { url: `http://127.0.0.1:${dagster.port}`, pathPrefix: '/dagster', graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql') },
    },
    identity: {
      bearer: [{ issuer: idp.issuer, audience: 'changegate' }],
      roles: { viewer: { clients: [INSIDER.clientId, INTRUDER.clientId] }, operator: { clients: [INSIDER.clientId, INTRUDER.clientId] }, ci: { clients: [CI.clientId] } },
    },
    policy: { path: join(repoRoot(), 'policies'), watch: false },
    audit: { path: join(dir, 'audit.jsonl') },
  });
  proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
});

after(async () => {
  await proxy.close();
  await Promise.all([dagster.close(), gerrit.close(), idp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const LAUNCH = 'mutation L($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId } } } }';
const PARAMS = { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' } };

async function launch(client: { clientId: string }, change: string, body: unknown = { query: LAUNCH, variables: { p: PARAMS } }): Promise<{ status: number; json: Record<string, any>; requestId: string }> {
  const res = await fetch(`http://127.0.0.1:${proxy.ingress.port}/dagster/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await idp.mintClientToken(client.clientId)}`, 'content-type': 'application/json', 'x-gerrit-change': change },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any>, requestId: res.headers.get('x-request-id') ?? '' };
}

function records(): Record<string, any>[] {
  return auditRecords<Record<string, any>>(join(dir, 'audit.jsonl'));
}

const decision = (requestId: string): Record<string, any> | undefined => records().find((r) => r['kind'] === 'decision' && r['requestId'] === requestId);
const lookups = (user: string) => gerrit.received.filter((r) => r.method === 'GET' && /^\/a\/changes\/1(\?|$)/.test(r.url) && r.user === user);
const notices = () => gerrit.received.filter((r) => r.method === 'POST' && /\/revisions\/current\/review$/.test(r.url));

test('an operator naming a change they cannot see is refused: no run, no notice on the change', async () => {
  const runs = dagster.model.runs.size;
  const res = await launch(INTRUDER, '1');
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.equal(res.json['error'], 'bad_header');
  assert.match(String(res.json['reason']), /cannot see/);
  const d = decision(res.requestId);
  assert.equal(d?.['decision']?.['allow'], false);
  assert.match(String(d?.['resource']?.['reason']), /cannot see/, 'the audit record says why');
  assert.equal(dagster.model.runs.size, runs, 'Dagster launched nothing');
  assert.ok(!dagster.recorder.requests.some((r) => r.requestId === res.requestId));
  // Gerrit was asked as the caller, with no credential of the service account's.
  const asked = lookups(INTRUDER.clientId);
  assert.equal(asked.length, 1);
  assert.equal(asked[0]?.authorization, undefined);
});

test('a change that does not exist is refused the same way', async () => {
  const res = await launch(INTRUDER, '999');
  assert.equal(res.status, 400);
  assert.match(String(res.json['reason']), /does not exist or which you/);
});

test('an operator who can see the change gets it stamped and announced, as Gerrit names it', async () => {
  const res = await launch(INSIDER, '1');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const runId = String(res.json['data']?.['launchRun']?.['run']?.['runId']);
  const run = dagster.model.runs.get(runId);
  assert.ok(run !== undefined);
  assert.equal(run.tags.find((t) => t.key === 'gerrit/change-number')?.value, '1');
  assert.equal(run.tags.find((t) => t.key === 'gerrit/change-id')?.value, gerrit.changes.get(1)?.changeId, "Gerrit's Change-Id is stamped");
  const d = decision(res.requestId);
  assert.deepEqual({ source: d?.['resource']?.['change']?.['source'], project: d?.['resource']?.['change']?.['project'] }, { source: 'header-verified', project: 'demo' });
  assert.equal(lookups(INSIDER.clientId).length, 1);
  let message: string | undefined;
  for (let i = 0; i < 200 && message === undefined; i++) {
    message = gerrit.changes.get(1)?.messages.map((m) => m.message).find((m) => m.includes(runId));
    if (message === undefined) await sleep(25);
  }
  assert.ok(message !== undefined, 'the run is announced on the change');
  assert.match(message, new RegExp(INSIDER.clientId));
});

test('a trusted role (ci) is taken at its word, without asking Gerrit, and the policy input says so', async () => {
  const res = await launch(CI, '1');
  // The default policy lets ci launch only in branch deployments: the decision is policy's.
  assert.equal(res.status, 403, JSON.stringify(res.json));
  assert.equal(decision(res.requestId)?.['resource']?.['change']?.['source'], 'header-trusted');
  assert.equal(lookups(CI.clientId).length, 0);
});

test('only the verified launch was ever announced', async () => {
  const posted = notices();
  assert.equal(posted.length, 1);
  assert.ok(!JSON.stringify(gerrit.changes.get(1)?.messages ?? []).includes(INTRUDER.clientId), 'nothing was said about carol-bot');
});

test('a forged user tag in the default of a $__proto__ variable is replaced by ours', async () => {
  const query = 'mutation L($__proto__: [ExecutionTag!] = [{key: "user", value: "mallory@example.com"}]) { launchRun(executionParams: {selector: {repositoryLocationName: "finance", repositoryName: "__repository__", jobName: "ledger_job"}, executionMetadata: {tags: $__proto__}}) { __typename ... on LaunchRunSuccess { run { runId } } } }';
  const res = await launch(INSIDER, '1', { query });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const run = dagster.model.runs.get(String(res.json['data']?.['launchRun']?.['run']?.['runId']));
  assert.deepEqual(run?.tags.filter((t) => t.key === 'user').map((t) => t.value), [INSIDER.clientId]);
});
