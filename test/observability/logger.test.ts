import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createLogger, forRequest, logRequest } from '../../src/observability/logger.js';
import { LogField } from '../../src/observability/log-fields.js';

function captured(): { lines: () => Record<string, unknown>[]; raw: () => string; destination: { write(s: string): void } } {
  let raw = '';
  return {
    destination: { write: (s: string) => void (raw += s) },
    raw: () => raw,
    lines: () => raw.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRETS = ['Bearer eyJhbGciOiJFUzI1NiJ9.secret-jwt', 'session=cookie-secret-value', 'assertion-secret', 'query-token-secret', 'pw-secret', 'cs-secret', 'rt-secret'];

/** A real request through node:http, so the logged object is a genuine IncomingMessage. */
async function realRequest(): Promise<IncomingMessage> {
  let seen: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    seen = req;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: `/a/changes/?q=status:open&access_token=${SECRETS[3]}`,
          headers: { Authorization: SECRETS[0], Cookie: SECRETS[1], 'X-Changegate-Assertion': SECRETS[2], 'User-Agent': 'test' },
        },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject).end();
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.ok(seen !== undefined);
  return seen;
}

describe('logger redaction', () => {
  test('a logged request never shows its credentials, and carries requestId', async () => {
    const cap = captured();
    const logger = createLogger({ destination: cap.destination });
    const req = await realRequest();
    const log = forRequest(logger, 'req-123');
    log.info({ req }, 'incoming');
    log.info({ headers: req.headers }, 'raw headers object');
    log.info({ [LogField.Url]: req.url, nested: { deeper: { password: SECRETS[4] } } }, `fetching ${req.url ?? ''}`);
    log.warn({ upstream: { oidc: { clientSecret: SECRETS[5] } }, refresh_token: SECRETS[6] }, 'refresh');
    log.info({ res: { statusCode: 302, headers: { 'set-cookie': [`${SECRETS[1]}; HttpOnly`], Location: '/' } } }, 'response');
    logRequest(log, { requestId: 'req-123', method: 'GET', path: req.url ?? '/', status: 200, durationMs: 1 });
    const raw = cap.raw();
    for (const secret of SECRETS) assert.ok(!raw.includes(secret), `secret leaked: ${secret}\n${raw}`);
    // Redaction, not dropping: the fields are there, censored; useful context survives.
    assert.match(raw, /"authorization":"\[redacted\]"/);
    assert.match(raw, /"cookie":"\[redacted\]"/);
    assert.match(raw, /access_token=\[redacted\]/);
    assert.match(raw, /q=status:open/);
    const lines = cap.lines();
    assert.equal(lines.length, 6);
    for (const line of lines) assert.equal(line['requestId'], 'req-123');
    assert.equal(raw.match(/"requestId"/g)?.length, 6, 'requestId appears once per line');
  });

  test('the access line has the typed fields and a level from the status', () => {
    const cap = captured();
    const logger = createLogger({ destination: cap.destination });
    logRequest(logger, { requestId: 'r1', method: 'POST', path: '/x', status: 503, durationMs: 12.5, upstream: 'dagster', action: 'dagster.write', decision: 'allow' });
    const [line] = cap.lines();
    assert.equal(line?.['requestId'], 'r1');
    assert.equal(line?.['level'], 50);
    assert.equal(line?.['action'], 'dagster.write');
    assert.equal(line?.['event'], 'request');
  });

  test('level silent writes nothing', () => {
    const cap = captured();
    createLogger({ level: 'silent', destination: cap.destination }).error('nope');
    assert.equal(cap.raw(), '');
  });
});
