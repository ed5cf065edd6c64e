// Gerrit mounted below a path prefix: the prefix is cut before REST and git matching.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { classifyVia, startClassifyServer, type ClassifyServer } from './classify-server.js';

let server: ClassifyServer;

before(async () => {
  server = await startClassifyServer({ pathPrefix: '/gerrit', maxClassifiedBodyBytes: 4096 });
});

after(() => server.close());

const VECTORS: Array<[method: string, path: string, action: string]> = [
  ['POST', '/gerrit/a/changes/p~1/abandon', 'gerrit.change.update'],
  ['POST', '/gerrit/changes/', 'gerrit.change.create'],
  ['PUT', '/gerrit/projects/x', 'gerrit.project.admin'],
  ['GET', '/gerrit/p/demo/info/refs?service=git-upload-pack', 'gerrit.read'],
  ['PUT', '/gerrit/a/demo/git-upload-pack', 'gerrit.write.unknown'],
];

for (const [method, path, action] of VECTORS) {
  test(`${method} ${path} -> ${action}`, async () => {
    const c = await classifyVia(server, path, { method, user: 'bob,reviewer' });
    assert.equal(c.action, action, JSON.stringify(c));
  });
}

test('the project of a git URL below the prefix', async () => {
  const c = await classifyVia(server, '/gerrit/a/external/bison/info/refs?service=git-receive-pack', { user: 'bob' });
  assert.equal(c.resource?.['project'], 'external/bison');
});
