// Real `git push` bytes, captured from git itself against `git http-backend`, replayed through
// the classifier: every command and option found, the original bytes forwarded unchanged
// (plain, chunked, gzip-encoded), malformed and truncated pushes refused.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { commitFile, createGitSandbox, type GitSandbox } from '../../fakes/git.js';
import { classifyVia, sha256, startClassifyServer, type Classified, type ClassifyServer } from './classify-server.js';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from './git-capture.js';

let sandbox: GitSandbox;
let capture: CaptureServer;
let server: ClassifyServer;
let work: string;
const captured = new Map<string, CapturedRequest>();

async function push(name: string, args: string[]): Promise<void> {
  const before = capture.pushes().length;
  await sandbox.ok(['push', 'origin', ...args], { cwd: work });
  const pushes = capture.pushes().slice(before);
  const last = pushes.at(-1);
  assert.ok(last, `git sent no receive-pack request for ${name}`);
  captured.set(name, last);
  if (pushes.length > 1) captured.set(`${name}:probe`, pushes[0] as CapturedRequest);
}

before(async () => {
  sandbox = await createGitSandbox();
  const root = sandbox.dir('srv');
  await sandbox.ok(['init', '-q', '--bare', `${root}/p.git`]);
  await sandbox.ok(['config', 'http.receivepack', 'true'], { cwd: `${root}/p.git` });
  await sandbox.ok(['config', 'receive.advertisePushOptions', 'true'], { cwd: `${root}/p.git` });
  capture = await startCaptureServer(root, sandbox.env);
  server = await startClassifyServer({ pathPrefix: '/', maxClassifiedBodyBytes: 64 * 1024 });
  work = sandbox.dir('work');
  await sandbox.ok(['init', '-q', work]);
  await sandbox.ok(['remote', 'add', 'origin', `${capture.url}/p.git`], { cwd: work });
  await commitFile(sandbox, work, 'a.txt', 'one\n', 'first');
  await push('direct', ['HEAD:refs/heads/master']);
  await commitFile(sandbox, work, 'b.txt', 'two\n', 'second');
  await push('review', ['HEAD:refs/for/master%topic=t1,r=alice@example.com', '-o', 'notify=NONE', '-o', 'submit']);
  await push('mixed', ['HEAD:refs/heads/feature', 'HEAD:refs/for/master']);
  await sandbox.ok(['tag', 'v1'], { cwd: work });
  await push('tag', ['refs/tags/v1']);
  await push('delete', [':refs/heads/feature']);
  await push('config', ['HEAD:refs/meta/config']);
  await push('label', ['HEAD:refs/for/main%l=Code-Review+2,wip']);
  await commitFile(sandbox, work, 'big.bin', randomBytes(1536 * 1024), 'large');
  await push('large', ['HEAD:refs/for/master']);
});

after(async () => {
  await server.close();
  await capture.close();
  await sandbox.dispose();
});

function replay(name: string, path = '/a/p/git-receive-pack', transform?: (r: CapturedRequest) => { body: Buffer; headers: Record<string, string> }): Promise<Classified> {
  const r = captured.get(name);
  assert.ok(r, `no capture ${name}`);
  const t = transform?.(r) ?? { body: r.body, headers: { 'content-type': String(r.headers['content-type']) } };
  return classifyVia(server, path, { method: 'POST', body: t.body, headers: t.headers, user: 'bob,reviewer' });
}

test('push for review with %options and -o options: one merged list, danger flagged', async () => {
  const c = await replay('review');
  assert.equal(c.action, 'gerrit.push.review');
  assert.deepEqual(c.resource?.['refs'], ['refs/for/master%topic=t1,r=alice@example.com']);
  assert.deepEqual(c.resource?.['options'], ['topic=t1', 'r=alice@example.com', 'notify=NONE', 'submit']);
  assert.deepEqual(c.resource?.['dangerous_options'], ['submit']);
  assert.deepEqual(c.resource?.['unknown_options'], []);
  assert.equal(c.resource?.['project'], 'p');
  assert.deepEqual(c.change, { project: 'p', branch: 'refs/heads/master' });
  assert.equal(c.bodyKind, 'stream');
  assert.equal(c.bodySha256, sha256(captured.get('review')?.body ?? Buffer.alloc(0)), 'the original bytes are forwarded');
});

test('direct push to a branch', async () => {
  const c = await replay('direct', '/p.git/git-receive-pack');
  assert.equal(c.action, 'gerrit.push.direct');
  assert.deepEqual(c.resource?.['targets'], ['refs/heads/master']);
  assert.equal(c.resource?.['creates'], true);
});

test('mixed magic and normal refs: judged on all, the direct one wins', async () => {
  const c = await replay('mixed', '/a/p/p.git/git-receive-pack');
  assert.equal(c.action, 'gerrit.push.direct');
  assert.deepEqual(c.resource?.['refs'], ['refs/heads/feature', 'refs/for/master']);
  assert.deepEqual(c.resource?.['kinds'], ['direct', 'review']);
});

test('tag push and delete are direct pushes', async () => {
  assert.equal((await replay('tag')).action, 'gerrit.push.direct');
  const del = await replay('delete');
  assert.equal(del.action, 'gerrit.push.direct');
  assert.equal(del.resource?.['deletes'], true);
});

test('refs/meta/config is a config push', async () => {
  assert.equal((await replay('config')).action, 'gerrit.push.config');
});

test('l= votes on push are dangerous', async () => {
  const c = await replay('label');
  assert.equal(c.action, 'gerrit.push.review');
  assert.deepEqual(c.resource?.['dangerous_options'], ['label']);
});

test('a large push: the probe, then the chunked body streamed through whole', async () => {
  const probe = captured.get('large:probe');
  assert.ok(probe, 'git sent a probe before the large push');
  assert.equal(probe.body.toString(), '0000');
  const p = await replay('large:probe');
  assert.equal(p.action, 'gerrit.push.probe');
  const big = captured.get('large');
  assert.ok(big && big.body.length > 1024 * 1024);
  assert.equal(big.headers['transfer-encoding'], 'chunked');
  const c = await classifyVia(server, '/a/p/git-receive-pack', { method: 'POST', body: big.body, headers: { 'content-type': 'application/x-git-receive-pack-request' }, chunks: 40, user: 'bob,reviewer' });
  assert.equal(c.action, 'gerrit.push.review');
  assert.equal(c.bodyLength, big.body.length);
  assert.equal(c.bodySha256, sha256(big.body));
});

test('gzip-encoded push: parsed decompressed, forwarded as the original gzip bytes', async () => {
  let sent = Buffer.alloc(0);
  const c = await replay('mixed', '/a/p/git-receive-pack', (r) => {
    sent = gzipSync(r.body);
    return { body: sent, headers: { 'content-type': 'application/x-git-receive-pack-request', 'content-encoding': 'gzip' } };
  });
  assert.equal(c.action, 'gerrit.push.direct');
  assert.deepEqual(c.resource?.['refs'], ['refs/heads/feature', 'refs/for/master']);
  assert.equal(c.bodySha256, sha256(sent));
});

test('gzip-encoded large push streamed in chunks', async () => {
  const big = captured.get('large')?.body ?? Buffer.alloc(0);
  const gz = gzipSync(big);
  const c = await classifyVia(server, '/a/p/git-receive-pack', { method: 'POST', body: gz, headers: { 'content-encoding': 'gzip' }, chunks: 30, user: 'bob,reviewer' });
  assert.equal(c.action, 'gerrit.push.review');
  assert.equal(c.bodySha256, sha256(gz));
});

test('a corrupt gzip body is 400', async () => {
  const c = await replay('review', undefined, (r) => ({ body: Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), r.body]), headers: { 'content-encoding': 'gzip' } }));
  assert.equal(c.status, 400);
});

test('an unknown content encoding is refused', async () => {
  const c = await replay('review', undefined, (r) => ({ body: r.body, headers: { 'content-encoding': 'br' } }));
  assert.equal(c.error, 'bad_body');
});

test('a second command spliced in behind the first is seen', async () => {
  const c = await replay('review', undefined, (r) => {
    const body = r.body;
    const len = parseInt(body.subarray(0, 4).toString(), 16);
    const first = body.subarray(0, len);
    const hidden = Buffer.from(`${'0'.repeat(40)} ${'c'.repeat(40)} refs/heads/master\n`);
    const pkt = Buffer.concat([Buffer.from((hidden.length + 4).toString(16).padStart(4, '0')), hidden]);
    return { body: Buffer.concat([first, pkt, body.subarray(len)]), headers: {} };
  });
  assert.equal(c.action, 'gerrit.push.direct');
  assert.deepEqual(c.resource?.['targets'], ['refs/heads/master', 'refs/heads/master']);
});

test('truncated and corrupted pushes are 400, never forwarded', async () => {
  const body = captured.get('review')?.body ?? Buffer.alloc(0);
  for (const bad of [body.subarray(0, 50), body.subarray(0, 3), Buffer.concat([Buffer.from('zzzz'), body]), Buffer.from('0003')]) {
    const c = await classifyVia(server, '/a/p/git-receive-pack', { method: 'POST', body: bad, user: 'bob,reviewer' });
    assert.equal(c.status, 400, JSON.stringify(c));
    assert.equal(c.bodySha256, undefined);
  }
});

test('fetches and ref advertisements are reads', async () => {
  assert.equal((await classifyVia(server, '/a/p/info/refs?service=git-receive-pack', { user: 'bob' })).resource?.['service'], 'git-receive-pack');
  assert.equal((await classifyVia(server, '/p/info/refs?service=git-upload-pack', { user: 'bob' })).action, 'gerrit.read');
  assert.equal((await classifyVia(server, '/a/p/git-upload-pack', { method: 'POST', body: '0000', user: 'bob' })).action, 'gerrit.read');
  assert.equal((await classifyVia(server, '/a/p/git-receive-pack', { method: 'PUT', body: '0000', user: 'bob' })).action, 'gerrit.write.unknown');
  assert.equal((await classifyVia(server, '/p/external/bison/info/refs', { user: 'bob' })).resource?.['project'], 'external/bison');
});
