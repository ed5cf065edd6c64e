// The placeholder under the deployments' prefix: for a change with no webserver serving, a status
// and a reason a person can act on (404 never deployed, 503 queued/starting/failed, 410 closed),
// never a fall-through to the production Dagster.

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { ChangegateError } from '../../src/errors.js';
import { placeholderUpstream, PLACEHOLDER_NAME } from '../../src/deployments/placeholder.js';
import type { DeploymentRecord, DeploymentState } from '../../src/deployments/registry.js';
import { ALICE } from '../pipeline/fakes.js';
import { snapshot } from './controller-harness.js';

const serving = { patchset: 1, sha: 'a'.repeat(40), url: 'http://127.0.0.1:4000', handle: { pid: 1 }, readyAt: '2026-03-01T00:00:00.000Z' };

function records(): Map<number, DeploymentRecord> {
  const states: [number, DeploymentState][] = [
    [1, { status: 'queued' }],
    [2, { status: 'starting', since: '2026-03-01T00:00:00.000Z' }],
    [3, { status: 'failed', at: '2026-03-01T00:00:00.000Z', error: `dagster-webserver exited with code 1: ${'x'.repeat(1000)}`, output: 'Traceback' }],
    [4, { status: 'closed', at: '2026-03-02T10:00:00.000Z', reason: 'MERGED' }],
    [5, { status: 'closed', at: '2026-03-02T11:00:00.000Z', reason: 'CLOSED' }],
    [6, { status: 'ready', serving }],
  ];
  return new Map(states.map(([n, state]) => [n, { name: `gerrit-change-${n}`, change: snapshot(n, 2), pathPrefix: `/dagster/changes/${n}`, createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z', state }]));
}

async function answer(path: string): Promise<ChangegateError> {
  const known = records();
  const upstream = placeholderUpstream({ kind: 'dagster', prefix: '/dagster/changes', timeoutMs: 1000, lookup: (n) => known.get(n) });
  assert.equal(upstream.name, PLACEHOLDER_NAME);
  assert.equal(upstream.route.prefix, '/dagster/changes');
  try {
    await upstream.classifier.classify({ upstream: 'dagster', method: 'GET', target: { path, query: '' }, req: {} as IncomingMessage, identity: ALICE, requestId: 'r1', clientIp: '127.0.0.1' });
  } catch (e) {
    assert.ok(e instanceof ChangegateError, String(e));
    return e;
  }
  assert.fail(`the placeholder forwarded ${path}`);
}

test('each state answers with its status, code and reason', async () => {
  const cases: [path: string, status: number, code: string, reason: RegExp, retryAfter?: string][] = [
    ['/dagster/changes/99/', 404, 'not_found', /change 99 has no branch deployment; it is created when an open change/],
    ['/dagster/changes/1/graphql', 503, 'deployment_unavailable', /change 1 is waiting for a free slot \(deployments\.maxConcurrent\)/, '30'],
    ['/dagster/changes/2', 503, 'deployment_unavailable', /change 2 \(patch set 2\) is starting/, '5'],
    ['/dagster/changes/3/runs', 503, 'deployment_unavailable', /change 3 \(patch set 2\) failed to start: dagster-webserver exited with code 1/],
    ['/dagster/changes/4/', 410, 'gone', /change 4 was merged at 2026-03-02T10:00:00.000Z; its branch deployment was torn down/],
    ['/dagster/changes/5/', 410, 'gone', /change 5 was abandoned/],
    ['/dagster/changes/6/', 503, 'deployment_unavailable', /being routed/, '1'],
  ];
  for (const [path, status, code, reason, retryAfter] of cases) {
    const e = await answer(path);
    assert.equal(e.status, status, path);
    assert.equal(e.code, code, path);
    assert.match(e.message, reason, path);
    assert.equal(e.headers?.['retry-after'], retryAfter, path);
    assert.equal(e.details?.['change'], Number(/\/(\d+)/.exec(path.slice('/dagster/changes'.length))?.[1]), path);
  }
});

test('a failure reason is cut short; closed answers say how it closed', async () => {
  const failed = await answer('/dagster/changes/3/');
  assert.ok(failed.message.length < 450, `${failed.message.length}`);
  assert.equal((await answer('/dagster/changes/4')).details?.['status'], 'MERGED');
  assert.equal((await answer('/dagster/changes/5')).details?.['status'], 'CLOSED');
});

test('paths that are not a change number get a 404 saying where deployments are', async () => {
  for (const path of ['/dagster/changes', '/dagster/changes/', '/dagster/changes/abc', '/dagster/changes/0', '/dagster/changes/007/', '/dagster/changes/-1', '/dagster/changes/1e3', '/dagster/changes/12345678901', '/dagster/changes/4x', '/dagster/changes//4']) {
    const e = await answer(path);
    assert.equal(e.status, 404, path);
    assert.match(e.message, /branch deployments are served at \/<change number>\/ below this path/, path);
    assert.equal(e.details, undefined, path);
  }
});
