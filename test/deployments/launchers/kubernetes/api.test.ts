import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeApi, KubeApiError } from '../../../../src/deployments/launchers/kubernetes/api.js';

describe('kubernetes API client bounds', () => {
  let server: http.Server;
  let url: URL;
  const seen: Array<string | undefined> = [];
  const dir = mkdtempSync(join(tmpdir(), 'changegate-kube-api-'));

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
      } else if (req.url === '/hang') {
        // never answers
      } else if (req.url === '/html') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[{"a":1}]}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a body over the cap', async () => {
    const api = new KubeApi({ server: url }, { maxBodyBytes: 1024 * 1024 });
    await assert.rejects(api.get('/big'), (e: unknown) => e instanceof KubeApiError && e.reason === 'BodyTooLarge');
    await api.close();
  });

  it('gives up on an API server that does not answer', async () => {
    const api = new KubeApi({ server: url }, { requestTimeoutMs: 200 });
    await assert.rejects(api.get('/hang'), (e: unknown) => e instanceof KubeApiError && e.reason === 'Unreachable' && /no answer within 200 ms/.test(e.message));
    await api.close();
  });

  it('reports a non-Status error body by its HTTP status, bounded', async () => {
    const api = new KubeApi({ server: url });
    await assert.rejects(api.get('/html'), (e: unknown) => e instanceof KubeApiError && e.status === 502 && e.reason === 'HTTP502');
    await api.close();
  });

  it('reads a token file (in-cluster tokens rotate) and sends it as a bearer token', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'rotating-token\n');
    const api = new KubeApi({ server: url, token: { file } });
    assert.deepEqual(await api.list('/list', 'a=b'), [{ a: 1 }]);
    assert.equal(seen.at(-1), 'Bearer rotating-token');
    await api.close();
  });
});
