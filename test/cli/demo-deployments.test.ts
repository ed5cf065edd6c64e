// The demo's branch-deployment config: valid as the schema reads it, the stand-in webserver
// found in this build, per-run secrets, and the banner's lines.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { demoDeploymentSecrets, deploymentBanner, standInWebserver, webhookUrl, withBranchDeployments } from '../../src/cli/commands/demo-deployments.js';

const RAW = {
  listen: '127.0.0.1:8080',
  stateDir: '/tmp/demo/var',
  upstreams: { gerrit: { url: 'http://127.0.0.1:8081', pathPrefix: '/' }, dagster: { url: 'http://127.0.0.1:3000', pathPrefix: '/dagster' } },
  identity: { oidc: { issuer: 'http://127.0.0.1:8090', clientId: 'c', clientSecret: 's' } },
  policy: { path: '/tmp/policies' },
  audit: { path: '/tmp/demo/var/audit.jsonl' },
};

test('the demo config adds a service account, webhooks and deployments the schema accepts', () => {
  const secrets = demoDeploymentSecrets();
  const config = configSchema.parse(withBranchDeployments(RAW, { secrets, webserver: ['/usr/bin/node', '/x/webserver-main.js'] }));
  assert.deepEqual(config.upstreams.gerrit?.serviceAccount, secrets.serviceAccount);
  assert.equal(config.upstreams.gerrit?.webhooks?.secret, secrets.webhookSecret);
  assert.equal(config.upstreams.gerrit?.url, 'http://127.0.0.1:8081', 'the rest of the Gerrit upstream is kept');
  const d = config.deployments;
  assert.ok(d !== undefined);
  assert.deepEqual(d.projects, ['demo']);
  assert.equal(d.pathPrefix, '/dagster/changes/{change}');
  assert.deepEqual(d.launcher.command.slice(0, 2), ['/usr/bin/node', '/x/webserver-main.js']);
  assert.ok(d.launcher.command.includes('{port}') && d.launcher.command.includes('{pathPrefix}'));
  assert.equal(d.launcher.workdir, '/tmp/demo/var/deployments/checkouts');
});

test('secrets differ per run and are long enough for the webhook check', () => {
  const a = demoDeploymentSecrets();
  const b = demoDeploymentSecrets();
  assert.notEqual(a.webhookSecret, b.webhookSecret);
  assert.notEqual(a.serviceAccount.token, b.serviceAccount.token);
  assert.ok(a.webhookSecret.length >= 32);
  assert.equal(webhookUrl(9901, a.webhookSecret), `http://127.0.0.1:9901/gerrit/webhooks?secret=${a.webhookSecret}`);
});

test('this build has the stand-in webserver, started by this node', () => {
  const argv = standInWebserver();
  assert.ok(argv !== undefined);
  assert.equal(argv[0], process.execPath);
  assert.ok(existsSync(argv.at(-1)!), argv.join(' '));
});

test('the banner names the deployments page and each change\'s link, or says why there are none', () => {
  const lines = deploymentBanner('http://127.0.0.1:8080', [{ number: 1, subject: 'Add the invoices asset', owner: 'bob' }]);
  assert.match(lines[0]!, /http:\/\/127\.0\.0\.1:8080\/\.changegate\/deployments/);
  assert.match(lines[1]!, /change 1 \(bob: "Add the invoices asset"\) +http:\/\/127\.0\.0\.1:8080\/dagster\/changes\/1\//);
  assert.match(deploymentBanner('http://127.0.0.1:8080', undefined).join('\n'), /off/);
});
