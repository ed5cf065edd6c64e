import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { buildRoutes, matchRoute } from '../../src/pipeline/route-table.js';

const upstreams = (u: Record<string, unknown>) => configSchema.parse({ upstreams: u }).upstreams;

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
