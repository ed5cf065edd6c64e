// upstreams.gerrit.webhooks: what the schema accepts, and that the admin route exists only when
// it is configured (deny by default: no config, no endpoint).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRecord, AuditSink } from '../../../src/audit/types.js';
import { configSchema } from '../../../src/config/schema.js';
import { gerritUpstream } from '../../../src/upstreams/gerrit/index.js';
import { createAdminServer } from '../../../src/observability/admin.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';

const SECRET = 's'.repeat(32);

function parse(webhooks: unknown): ReturnType<typeof configSchema.safeParse> {
  return configSchema.safeParse({ upstreams: { gerrit: { url: 'http://127.0.0.1:8081', webhooks } } });
}

function issues(r: ReturnType<typeof configSchema.safeParse>): string {
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

test('the schema takes a secret, an allow list or both, and nothing weaker', () => {
  assert.equal(parse({ secret: SECRET }).success, true);
  assert.equal(parse({ allow: ['10.0.0.0/8', '::1'] }).success, true);
  assert.equal(parse({ secret: SECRET, allow: ['192.0.2.7'] }).success, true);
  assert.match(issues(parse({})), /upstreams\.gerrit\.webhooks: set a secret, an allow list/);
  assert.match(issues(parse({ allow: [] })), /set a secret/);
  assert.match(issues(parse({ secret: 'short' })), /webhooks\.secret: .*at least 32/);
  assert.match(issues(parse({ allow: ['10.0.0.0/33'] })), /webhooks\.allow\.0/);
  assert.match(issues(parse({ secret: SECRET, url: 'x' })), /Unrecognized key/);
  const dagster = configSchema.safeParse({ upstreams: { dagster: { url: 'http://127.0.0.1:3000', webhooks: { secret: SECRET } } } });
  assert.equal(dagster.success, false, 'webhooks are a Gerrit setting');
});

const nullSink: AuditSink = { ready: true, notReadyReason: undefined, append: async (_r: AuditRecord) => undefined, close: async () => undefined };

async function statusOf(webhooks: unknown): Promise<number> {
  const config = configSchema.parse({ upstreams: { gerrit: { url: 'http://127.0.0.1:8081', ...(webhooks === undefined ? {} : { webhooks }) } } });
  const metrics = createMetrics({ defaultMetrics: false });
  const admin = createAdminServer({ metrics });
  const gerrit = gerritUpstream(config.upstreams.gerrit!, { maxClassifiedBodyBytes: 1024, audit: nullSink, revokeForChange: async () => 0, metrics, logger: createLogger({ level: 'silent' }) });
  for (const r of gerrit.adminRoutes ?? []) admin.route(r.method, r.path, (req, res, id) => r.handle(req, res, id));
  const { port } = await admin.listen('127.0.0.1:0');
  try {
    const res = await fetch(`http://127.0.0.1:${port}/gerrit/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    return res.status;
  } finally {
    await admin.close();
  }
}

test('the endpoint is mounted only when configured', async () => {
  assert.equal(await statusOf(undefined), 404);
  assert.equal(await statusOf({ secret: SECRET }), 401);
  // Allowed by address, then the empty event is refused for what it is.
  assert.equal(await statusOf({ allow: ['127.0.0.1'] }), 400);
  assert.equal(await statusOf({ allow: ['10.0.0.0/8'] }), 403);
});
