// The pipeline's stages through the Upstream interface, with a small fake upstream (an HTTP
// server that records what reaches it) behind the real ingress, route table, stamper and
// forwarder: the decision is durable before a byte goes upstream, a denied request is never
// stamped, after-forward effects run only after a 2xx, and a removed route stops taking new
// requests while the ones it holds finish.

import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { AuditRecord, AuditSink } from '../../src/audit/types.js';
import type { AuthResult } from '../../src/auth/types.js';
import { TrustedProxies } from '../../src/http/trusted-proxies.js';
import type { Identity } from '../../src/identity/types.js';
import { Forwarder } from '../../src/pipeline/forward.js';
import { createIngress } from '../../src/pipeline/ingress.js';
import { frameGate, type PipelineDeps } from '../../src/pipeline/pipeline.js';
import { RouteTable } from '../../src/pipeline/route-table.js';
import { createStamper } from '../../src/pipeline/stamp.js';
import type { AfterForwardEffect, ForwardedExchange, Upstream } from '../../src/pipeline/types.js';
import type { Decider, Decision } from '../../src/policy/types.js';
import { ALICE, classification, fakeExchange, fakeUpstream } from './fakes.js';
import { eventually } from '../fakes/poll.js';
import { hangUp } from '../fakes/raw-http.js';

/** Every event in order: audit appends as they become durable, hits on the upstream, effects. */
type Events = string[];

class RecordingAudit implements AuditSink {
  readonly records: AuditRecord[] = [];
  /** Every append as it starts, durable or not yet. */
  readonly started: AuditRecord[] = [];
  failing = false;
  /** While set, appends wait for it before they become durable. */
  gate: Promise<void> | undefined;
  readonly ready = true;
  readonly notReadyReason = undefined;
  constructor(private readonly events: Events) {}
  async append(record: AuditRecord): Promise<void> {
    this.started.push(record);
    // Durable a little later, as a real fsync is: a forward that did not wait would overtake it.
    await new Promise((r) => setTimeout(r, 5));
    await this.gate;
    if (this.failing) {
      this.events.push(`audit:failed:${record.kind}`);
      throw new Error('disk full');
    }
    this.records.push(record);
    this.events.push(`audit:${record.kind}`);
  }
  async close(): Promise<void> {}
}

interface Stand {
  readonly url: string;
  readonly events: Events;
  readonly audit: RecordingAudit;
  readonly routes: RouteTable;
  readonly stamped: string[];
  /** Requests the upstream has received, with their headers. */
  readonly hits: IncomingMessage['headers'][];
  /** The upstream answers with this status (or holds the response while `hold` is set). */
  status: number;
  hold: Promise<void> | undefined;
  /** While set, the upstream sends its head and first bytes, then waits for it before the end. */
  holdEnd: Promise<void> | undefined;
  onHit: (() => void) | undefined;
  /** Called when a response on the proxy's side closes (finished, or its client gone). */
  onClose: (() => void) | undefined;
}

interface StandOptions {
  readonly allow?: boolean;
  readonly identity?: Identity;
  readonly effects?: (events: Events) => AfterForwardEffect[];
}

async function listen(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stand(t: TestContext, options: StandOptions = {}): Promise<Stand> {
  const events: Events = [];
  const hits: IncomingMessage['headers'][] = [];
  const s: Stand = { url: '', events, audit: new RecordingAudit(events), routes: new RouteTable(), stamped: [], hits, status: 200, hold: undefined, holdEnd: undefined, onHit: undefined, onClose: undefined };
  const origin = await listen(t, (req, res) => {
    events.push('upstream');
    hits.push(req.headers);
    s.onHit?.();
    const answer = (): void => {
      res.writeHead(s.status, { 'content-type': 'text/plain' });
      if (s.holdEnd === undefined) res.end('from upstream');
      else {
        res.write('from ');
        void s.holdEnd.then(() => res.end('upstream'));
      }
    };
    if (s.hold === undefined) answer();
    else void s.hold.then(answer);
  });
  s.routes.add(fakeUpstream({ origin, prefix: '/fake', effects: options.effects?.(events) ?? [] }));

  const decider: Decider = { ready: true, decide: (): Decision => ({ allow: options.allow ?? true, reasons: options.allow === false ? ['not_yours'] : [], revision: 'test' }) };
  const stamp = createStamper({ dropCookie: () => false, assertions: undefined });
  const forwarder = new Forwarder({ dropSetCookie: () => false, webSocketIdleMs: 60_000 });
  t.after(() => forwarder.close());
  const identity = options.identity ?? ALICE;
  const pipeline: PipelineDeps = {
    authenticate: async (): Promise<AuthResult> => (identity.kind === 'authenticated' ? { kind: 'authenticated', identity } : { kind: 'absent' }),
    decider,
    audit: s.audit,
    stamp: (exchange, who, c) => {
      s.stamped.push(exchange.requestId);
      stamp(exchange, who, c);
    },
    challenge: (exchange) => void exchange.res.writeHead(401).end(),
    forwarder,
    observe: () => undefined,
  };
  const ingress = createIngress({
    trusted: TrustedProxies.parse([]),
    limits: { maxUrlBytes: 8192 },
    bodyDeadlines: { idleMs: 10_000, totalMs: 30_000 },
    routes: s.routes,
    pipeline,
    own: (_req, res) => void res.writeHead(404).end(),
    notReady: () => undefined,
    onInternalError: (e) => {
      throw e;
    },
    onRefused: () => undefined,
  });
  const url = await listen(t, (req, res) => {
    res.once('close', () => s.onClose?.());
    ingress.request(req, res);
  });
  return Object.assign(s, { url });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

test('audit before forward: the decision is durable before the upstream sees a byte, the completion after', async (t) => {
  const s = await stand(t);
  assert.deepEqual(await get(`${s.url}/fake/x`), { status: 200, body: 'from upstream' });
  await eventually('the completion record', () => s.events.includes('audit:completion'));
  assert.deepEqual(s.events, ['audit:decision', 'upstream', 'audit:completion']);
  assert.equal(s.hits[0]?.['x-forwarded-user'], 'alice', 'stamped with the identity');
});

test('a decision that cannot be recorded is not forwarded', async (t) => {
  const s = await stand(t);
  s.audit.failing = true;
  const res = await get(`${s.url}/fake/x`);
  assert.equal(res.status, 503);
  assert.match(res.body, /audit_unavailable/);
  assert.deepEqual(s.hits, []);
  assert.deepEqual(s.stamped, []);
});

test('no stamp on deny: a denied request is answered by the proxy and never rewritten or forwarded', async (t) => {
  const s = await stand(t, { allow: false });
  const res = await get(`${s.url}/fake/x`);
  assert.equal(res.status, 403);
  assert.match(res.body, /fake\.read denied: not_yours/);
  assert.deepEqual(s.stamped, []);
  assert.deepEqual(s.hits, []);
  assert.deepEqual(s.events, ['audit:decision']);
});

test('after-forward effects run in order, only after a 2xx and its durable completion record; one that throws does not stop the next', async (t) => {
  const seen: ForwardedExchange[] = [];
  const effects = (events: Events): AfterForwardEffect[] => [
    { name: 'first', run: (f) => void (seen.push(f), events.push('effect:first')) },
    {
      name: 'broken',
      run: () => {
        throw new Error('a bug in an effect');
      },
    },
    { name: 'last', run: () => void events.push('effect:last') },
  ];
  const s = await stand(t, { effects });
  for (const status of [500, 404, 302, 201]) {
    s.status = status;
    await get(`${s.url}/fake/x`);
  }
  await eventually('the effects of the 2xx', () => s.events.includes('effect:last'));
  // Every request's completion is recorded; only the 201 triggers the effects, after its record.
  await eventually('four completion records', () => s.events.filter((e) => e === 'audit:completion').length === 4);
  assert.deepEqual(s.events.filter((e) => e.startsWith('effect:')), ['effect:first', 'effect:last']);
  assert.ok(s.events.indexOf('effect:first') > s.events.lastIndexOf('upstream'));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.outcome.status, 201);
  assert.equal(seen[0]!.classification.action, 'fake.read');
});

test('no effects for a denied request, nor when the completion record cannot be written', async (t) => {
  const ran: string[] = [];
  const effects = (): AfterForwardEffect[] => [{ name: 'note', run: (f) => void ran.push(f.exchange.requestId) }];
  const denied = await stand(t, { allow: false, effects });
  await get(`${denied.url}/fake/x`);
  assert.deepEqual(denied.events, ['audit:decision']);
  const unrecorded = await stand(t, { effects });
  // The decision is recorded; the disk fills while the upstream answers.
  unrecorded.onHit = () => void (unrecorded.audit.failing = true);
  assert.equal((await get(`${unrecorded.url}/fake/x`)).status, 200);
  await eventually('the failed completion record', () => unrecorded.events.includes('audit:failed:completion'));
  // Effects would run in the same turn as the failed append settles.
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, []);
});

test('a client that hangs up: client_closed, with the upstream status once it answered; effects run only for a 2xx the upstream gave', async (t) => {
  const ran: string[] = [];
  const s = await stand(t, { effects: () => [{ name: 'note', run: (f) => void ran.push(f.exchange.requestId) }] });
  const port = Number(new URL(s.url).port);
  const request = 'GET /fake/x HTTP/1.1\r\nHost: x\r\n\r\n';
  const completion = (n: number): Promise<AuditRecord> =>
    eventually(`completion record ${n}`, () => s.audit.records.filter((r) => r.kind === 'completion')[n - 1]);

  // Gone before the upstream answered: 499, and the effects do not run.
  let release!: () => void;
  s.hold = new Promise<void>((r) => (release = r));
  await hangUp(port, request, () => eventually('the upstream hit', () => s.hits.length === 1));
  const first = await completion(1);
  assert.equal(first.kind === 'completion' && first.status, 499);
  assert.equal(first.kind === 'completion' && first.error, 'client_closed');
  release();

  // Gone after the upstream's 201 head: its status stays, and what it did has its effects.
  s.hold = undefined;
  s.status = 201;
  let finish!: () => void;
  s.holdEnd = new Promise<void>((r) => (finish = r));
  await hangUp(port, request, (received) => eventually('the head of the 201', () => received().startsWith('HTTP/1.1 201')));
  const second = await completion(2);
  assert.equal(second.kind === 'completion' && second.status, 201);
  assert.equal(second.kind === 'completion' && second.error, 'client_closed');
  await eventually('the effect of the 201', () => ran.length === 1);
  assert.equal(ran.length, 1, 'the 499 had no effects');
  finish();

  // Gone while its decision was being written: recorded, and never sent upstream.
  let durable!: () => void;
  s.audit.gate = new Promise<void>((r) => (durable = r));
  s.onClose = () => {
    s.audit.gate = undefined;
    durable();
  };
  const appends = s.audit.started.length;
  await hangUp(port, request, () => eventually('the third decision being written', () => s.audit.started.length > appends));
  const third = await completion(3);
  assert.equal(third.kind === 'completion' && third.status, 499);
  assert.equal(s.hits.length, 2, 'the upstream never saw the third request');
});

test('a removed route takes no new requests, while the one in flight finishes', async (t) => {
  const s = await stand(t);
  let release!: () => void;
  s.hold = new Promise<void>((resolve) => (release = resolve));
  const inFlight = get(`${s.url}/fake/slow`);
  await eventually('the first request to reach the upstream', () => s.hits.length === 1);

  let removed = false;
  const removal = s.routes.remove('fake').then(() => (removed = true));
  const refused = await get(`${s.url}/fake/new`);
  assert.equal(refused.status, 404, 'a new request finds no route');
  assert.match(refused.body, /no upstream is configured/);
  assert.equal(removed, false, 'removal waits for the request in flight');

  release();
  assert.deepEqual(await inFlight, { status: 200, body: 'from upstream' });
  await removal;
  assert.equal(s.hits.length, 1);
});

test('a route added while serving takes requests at once, beside the others', async (t) => {
  const s = await stand(t);
  const second = await listen(t, (_req, res) => void res.writeHead(200).end('second'));
  s.routes.add(fakeUpstream({ name: 'fake-2', origin: second, prefix: '/fake/two' }));
  assert.deepEqual(await get(`${s.url}/fake/two/x`), { status: 200, body: 'second' });
  assert.deepEqual(await get(`${s.url}/fake/one`), { status: 200, body: 'from upstream' });
});

test('WebSocket frames go through the same decide + audit: numbered request ids, a failed record is a denial', async () => {
  const events: Events = [];
  const audit = new RecordingAudit(events);
  const decisions: string[] = [];
  const decider: Decider = {
    ready: true,
    decide: (input) => {
      decisions.push(input.request.requestId);
      return { allow: input.action === 'fake.read', reasons: [], revision: 'test' };
    },
  };
  const upstream: Upstream = fakeUpstream();
  const gate = frameGate(fakeExchange(upstream, 'hs-1'), ALICE, { decider, audit });
  assert.equal((await gate.decide(classification('fake.read', {}))).allow, true);
  assert.equal((await gate.decide(classification('fake.write', {}))).allow, false);
  await gate.refuse(classification('fake.ws.refused', { reason: 'unreadable' }), 'bad_request');
  audit.failing = true;
  assert.deepEqual(await gate.decide(classification('fake.read', {})), { allow: false, reasons: ['audit_unavailable'], revision: 'none' });
  assert.deepEqual(decisions, ['hs-1/ws1', 'hs-1/ws2', 'hs-1/ws4']);
  assert.deepEqual(
    audit.records.map((r) => (r.kind === 'decision' ? [r.requestId, r.action, r.decision.allow, r.decision.reasons] : r.kind)),
    [
      ['hs-1/ws1', 'fake.read', true, []],
      ['hs-1/ws2', 'fake.write', false, []],
      ['hs-1/ws3', 'fake.ws.refused', false, ['bad_request']],
    ],
  );
});
