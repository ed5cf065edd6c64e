// Dagster query strings read two ways (issue 13, part 4), through the whole proxy: a viewer's
// GET whose `;` hides a second `query` (parse_qsl before Python 3.9.2 splits on `;`, and
// Starlette keeps the last copy) is refused with 400, audited with the reason, and never
// reaches Dagster. The same characters percent-encoded are plain data and pass.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/proxy/server.js';
import { repoRoot } from '../dagster/harness.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { auditRecords } from '../fakes/audit-records.js';
import { startTestIdp, type TestIdp } from '../fakes/idp.js';

const VIEWER = { kind: 'machine', clientId: 'dash', clientSecret: 'dash-secret', audience: 'changegate' } as const;
const dir = mkdtempSync(join(tmpdir(), 'changegate-dagster-qs-'));
let dagster: FakeDagster;
let idp: TestIdp;
let proxy: ChangegateHandle;

before(async () => {
  dagster = await startFakeDagster();
  idp = await startTestIdp({ clients: [VIEWER] });
  const config = configSchema.parse({
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    stateDir: join(dir, 'state'),
    upstreams: { dagster: { url: `http://127.0.0.1:${dagster.port}`, pathPrefix: '/dagster', timeoutMs: 5000, graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql') } },
    identity: { bearer: [{ issuer: idp.issuer, audience: 'changegate' }], roles: { viewer: { clients: [VIEWER.clientId] } } },
    policy: { path: join(repoRoot(), 'policies'), watch: false },
    audit: { path: join(dir, 'audit.jsonl') },
  });
  proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
});

after(async () => {
  await proxy.close();
  await Promise.all([dagster.close(), idp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function get(query: string): Promise<{ status: number; json: Record<string, unknown>; requestId: string }> {
  const res = await fetch(`http://127.0.0.1:${proxy.ingress.port}/dagster/graphql?${query}`, { headers: { authorization: `Bearer ${await idp.mintClientToken(VIEWER.clientId)}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, requestId: res.headers.get('x-request-id') ?? '' };
}

function decision(requestId: string): Record<string, any> | undefined {
  return auditRecords<Record<string, any>>(join(dir, 'audit.jsonl')).find((r) => r['kind'] === 'decision' && r['requestId'] === requestId);
}

const forwarded = (requestId: string): boolean => dagster.recorder.requests.some((r) => r.requestId === requestId);

test("a viewer's GET with a raw ; hiding a mutation is refused, audited and not forwarded", async () => {
  const res = await get('query=%7B__typename%7D%23;query=mutation%7BreloadWorkspace%7B__typename%7D%7D');
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.equal(res.json['error'], 'bad_request');
  assert.match(String(res.json['reason']), /";"/);
  const d = decision(res.requestId);
  assert.equal(d?.['decision']?.['allow'], false);
  assert.match(String(d?.['resource']?.['reason']), /";"/);
  assert.equal(forwarded(res.requestId), false);
});

test('a repeated query parameter is refused and not forwarded', async () => {
  const res = await get('query=%7B__typename%7D&query=mutation%7BreloadWorkspace%7B__typename%7D%7D');
  assert.equal(res.status, 400);
  assert.match(String(res.json['reason']), /repeats "query"/);
  assert.equal(forwarded(res.requestId), false);
});

test('the same characters percent-encoded are data: the read goes through', async () => {
  const res = await get('query=%7B__typename%7D%23%3Bquery%3Dmutation');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(forwarded(res.requestId), true);
});
