import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { RouteTable, routeFromConfig } from '../../src/pipeline/route-table.js';
import type { Upstream } from '../../src/pipeline/types.js';
import { fakeUpstream } from './fakes.js';

/** A route table with one fake instance per `upstreams.<kind>` entry, named after its kind. */
function buildRoutes(u: Record<string, unknown>): RouteTable {
  const parsed = configSchema.parse({ upstreams: u }).upstreams;
  return new RouteTable(Object.entries(parsed).flatMap(([kind, c]) => (c === undefined ? [] : [fakeUpstream({ kind, name: kind, route: routeFromConfig(c) })])));
}

const matchRoute = (routes: RouteTable, host: string, path: string): { upstream: string } | undefined => {
  const u = routes.match(host, path);
  return u === undefined ? undefined : { upstream: u.name };
};

const upstreams = (u: Record<string, unknown>): Record<string, unknown> => u;

test('the longest prefix wins whatever the order in the config', () => {
  const routes = buildRoutes(upstreams({ gerrit: { url: 'http://g', pathPrefix: '/' }, dagster: { url: 'http://d', pathPrefix: '/dagster' } }));
  const cases: [string, string | undefined][] = [
    ['/dagster', 'dagster'],
    ['/dagster/', 'dagster'],
    ['/dagster/graphql', 'dagster'],
    ['/dagsterx/graphql', 'gerrit'],
    ['/changes/', 'gerrit'],
    ['/', 'gerrit'],
  ];
  for (const [path, want] of cases) assert.equal(matchRoute(routes, 'x', path)?.upstream, want, path);
});

test('a host route matches only its host, with or without a port, case-insensitively', () => {
  const routes = buildRoutes(
    upstreams({ gerrit: { url: 'http://g', host: 'review.example.com' }, dagster: { url: 'http://d', pathPrefix: '/dagster' } }),
  );
  assert.equal(matchRoute(routes, 'Review.Example.com:443', '/changes/')?.upstream, 'gerrit');
  assert.equal(matchRoute(routes, 'other.example.com', '/changes/'), undefined);
  assert.equal(matchRoute(routes, 'other.example.com', '/dagster/runs')?.upstream, 'dagster');
  assert.equal(matchRoute(routes, 'review.example.com', '/dagster/runs')?.upstream, 'gerrit', 'host routes are tried first');
});

test('no route for a path outside every prefix', () => {
  const routes = buildRoutes(upstreams({ dagster: { url: 'http://d', pathPrefix: '/dagster' } }));
  assert.equal(matchRoute(routes, 'x', '/changes/'), undefined);
  assert.equal(matchRoute(routes, '[::1]:8080', '/dagster/x')?.upstream, 'dagster');
});

test('instances come and go while serving: several of one kind, the longest prefix still wins', async () => {
  const routes = buildRoutes(upstreams({ gerrit: { url: 'http://g', pathPrefix: '/' }, dagster: { url: 'http://d', pathPrefix: '/dagster' } }));
  const change42 = fakeUpstream({ kind: 'dagster', name: 'dagster-change-42', prefix: '/dagster/changes/42' });
  routes.add(change42);
  assert.equal(matchRoute(routes, 'x', '/dagster/changes/42/graphql')?.upstream, 'dagster-change-42');
  assert.equal(matchRoute(routes, 'x', '/dagster/changes/43/graphql')?.upstream, 'dagster');
  assert.throws(() => routes.add(fakeUpstream({ name: 'dagster-change-42' })), /already routed/);
  await routes.remove('dagster-change-42');
  assert.equal(matchRoute(routes, 'x', '/dagster/changes/42/graphql')?.upstream, 'dagster', 'the next route takes over');
  assert.deepEqual(routes.list().map((u) => u.name), ['dagster', 'gerrit']);
  await routes.remove('no-such-upstream');
});

test('remove waits for the requests an instance holds, then closes it; new requests no longer reach it', async () => {
  let closed = 0;
  const u: Upstream = fakeUpstream({ name: 'd1', prefix: '/d1', close: async () => void closed++ });
  const routes = new RouteTable([u]);
  const leave1 = routes.enter(u);
  const leave2 = routes.enter(u);
  let removed = false;
  const removal = routes.remove('d1').then(() => (removed = true));
  assert.equal(routes.match('x', '/d1/x'), undefined, 'no new request matches a removed instance');
  leave1();
  leave1(); // leaving twice counts once
  await new Promise((r) => setImmediate(r));
  assert.equal(removed, false, 'one request is still in flight');
  leave2();
  await removal;
  assert.equal(closed, 1);
});

test('session cookies of every routed upstream are known to the table, and stay known after a removal', async () => {
  const g = fakeUpstream({ name: 'g', stamping: { sessionCookies: new Set(['GerritAccount']) } });
  const routes = new RouteTable([g]);
  assert.equal(routes.isSessionCookie('GerritAccount'), true);
  assert.equal(routes.isSessionCookie('theme'), false);
  await routes.remove('g');
  assert.equal(routes.isSessionCookie('GerritAccount'), true);
});

test('replace swaps in one step: the path never goes unrouted, the old instance drains and is then closed', async () => {
  const closed: string[] = [];
  const base = fakeUpstream({ name: 'dagster', prefix: '/dagster' });
  const old = fakeUpstream({ name: 'change-42@1', prefix: '/dagster/changes/42', close: async () => void closed.push('change-42@1') });
  const next = fakeUpstream({ name: 'change-42@2', prefix: '/dagster/changes/42', close: async () => void closed.push('change-42@2') });
  const routes = new RouteTable([base, old]);
  const held = routes.enter(routes.match('x', '/dagster/changes/42/graphql')!);
  let done = false;
  const swap = routes.replace('change-42@1', next).then(() => (done = true));
  // Synchronously, before anything else can run: the new instance answers, never nothing, never the base route.
  assert.equal(routes.match('x', '/dagster/changes/42/graphql'), next);
  assert.deepEqual(routes.list().map((u) => u.name).sort(), ['change-42@2', 'dagster']);
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'the old one still has a request');
  assert.deepEqual(closed, []);
  held();
  await swap;
  assert.deepEqual(closed, ['change-42@1']);
  // The old instance is gone from the table; the new one counts its own requests.
  assert.throws(() => routes.enter(old), /not in the route table/);
  routes.enter(next)();
});

test('replace with nothing in flight closes the old instance at once; unknown names are an add', async () => {
  const closed: string[] = [];
  const a = fakeUpstream({ name: 'a', prefix: '/a', close: async () => void closed.push('a') });
  const routes = new RouteTable([a]);
  await routes.replace('a', fakeUpstream({ name: 'b', prefix: '/a' }));
  assert.deepEqual(closed, ['a']);
  await routes.replace('not-there', fakeUpstream({ name: 'c', prefix: '/c' }));
  assert.deepEqual(routes.list().map((u) => u.name).sort(), ['b', 'c']);
});

test('replace refuses a name clash and leaves the table as it was', async () => {
  const a = fakeUpstream({ name: 'a', prefix: '/a' });
  const b = fakeUpstream({ name: 'b', prefix: '/b' });
  const routes = new RouteTable([a, b]);
  await assert.rejects(routes.replace('a', fakeUpstream({ name: 'b', prefix: '/a' })), /an upstream named b is already routed to/);
  await assert.rejects(routes.replace('a', fakeUpstream({ name: 'a', prefix: '/a' })), /cannot replace itself/);
  await assert.rejects(routes.replace('nope', fakeUpstream({ name: 'a', prefix: '/z' })), /already routed/);
  assert.equal(routes.match('x', '/a/x'), a);
  assert.equal(routes.match('x', '/b/x'), b);
  assert.equal(routes.match('x', '/z/x'), undefined);
  routes.enter(a)();
});

test('a replacement with a different route takes the old one\'s place in match order', async () => {
  const routes = new RouteTable([fakeUpstream({ name: 'root', prefix: '' }), fakeUpstream({ name: 'short', prefix: '/d' })]);
  await routes.replace('short', fakeUpstream({ name: 'long', prefix: '/d/changes/1' }));
  assert.equal(routes.match('x', '/d/changes/1/x')?.name, 'long');
  assert.equal(routes.match('x', '/d/other')?.name, 'root');
});
