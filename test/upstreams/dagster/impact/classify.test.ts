import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyImpact } from '../../../../src/upstreams/dagster/impact/classify.js';
import type { AssetDefinition, AssetImpact } from '../../../../src/upstreams/dagster/impact/types.js';
import { generateGraphs } from './generate.js';

const FOR = { patchset: 3, gitSha: 'a'.repeat(40) };

function asset(path: string, over: Partial<AssetDefinition> = {}): AssetDefinition {
  return {
    key: path.split('/'),
    location: 'finance',
    repository: '__repository__',
    codeVersion: null,
    dependencies: [],
    tags: {},
    metadata: {},
    partitions: null,
    group: 'default',
    owners: [],
    kinds: [],
    ...over,
  };
}
const dep = (path: string, partitionMapping: string | null = null) => ({ key: path.split('/'), partitionMapping });

function reasonsOf(impact: AssetImpact): Record<string, readonly string[]> {
  return Object.fromEntries(impact.assets.map((a) => [`${a.location}:${a.key.join('/')}`, a.reasons]));
}

test('each reason, several at once, and what does not count', () => {
  const production = [
    asset('raw'),
    asset('code', { codeVersion: 'v1' }),
    asset('nulled', { codeVersion: 'v1' }),
    asset('deps', { dependencies: [dep('raw'), dep('code')] }),
    asset('reordered', { dependencies: [dep('raw'), dep('code')], tags: { a: '1', b: '2' }, metadata: { x: '"1"', y: '"2"' } }),
    asset('mapping', { dependencies: [dep('raw')] }),
    asset('parts', { partitions: '{"type":"STATIC"}' }),
    asset('tags', { tags: { tier: 'gold' } }),
    asset('meta', { metadata: { rows: '{"intValue":1}' } }),
    asset('many', { codeVersion: 'v1', tags: { tier: 'gold' } }),
    asset('gone'),
    asset('marketing/only', { location: 'marketing' }),
  ];
  const branch = [
    asset('raw'),
    asset('code', { codeVersion: 'v2' }),
    asset('nulled', { codeVersion: null }),
    asset('deps', { dependencies: [dep('raw')] }),
    asset('reordered', { dependencies: [dep('code'), dep('raw'), dep('raw')], tags: { b: '2', a: '1' }, metadata: { y: '"2"', x: '"1"' } }),
    asset('mapping', { dependencies: [dep('raw', '{"className":"LastPartitionMapping"}')] }),
    asset('parts', { partitions: '{"type":"STATIC","description":"a"}' }),
    asset('tags', { tags: { tier: 'silver' } }),
    asset('meta', { metadata: { rows: '{"intValue":2}' } }),
    asset('many', { codeVersion: 'v2', tags: {}, metadata: { m: '"x"' }, partitions: '{}', dependencies: [dep('raw')] }),
    asset('fresh'),
  ];
  const impact = classifyImpact({ assets: branch }, { assets: production }, FOR);
  assert.deepEqual(reasonsOf(impact), {
    'finance:code': ['CODE_VERSION'],
    'finance:nulled': ['CODE_VERSION'],
    'finance:deps': ['DEPENDENCIES'],
    'finance:mapping': ['DEPENDENCIES'],
    'finance:parts': ['PARTITIONS_DEFINITION'],
    'finance:tags': ['TAGS'],
    'finance:meta': ['METADATA'],
    'finance:many': ['CODE_VERSION', 'DEPENDENCIES', 'PARTITIONS_DEFINITION', 'TAGS', 'METADATA'],
    'finance:gone': ['REMOVED'],
    'finance:fresh': ['NEW'],
  });
  // marketing is not served by the branch: not compared, so not "removed".
  assert.deepEqual(impact.counts, { NEW: 1, CODE_VERSION: 3, DEPENDENCIES: 3, PARTITIONS_DEFINITION: 2, TAGS: 2, METADATA: 2, REMOVED: 1 });
  assert.deepEqual(impact.computedFor, FOR);
  assert.deepEqual(impact.downstream.map((a) => a.key.join('/')), ['reordered'], 'reordered depends on code, which changed');
});

test('location is part of the identity: the same key in another location is another asset', () => {
  const production = [asset('shared', { location: 'finance' })];
  const branch = [asset('shared', { location: 'finance' }), asset('shared', { location: 'ops' })];
  const impact = classifyImpact({ assets: branch }, { assets: production }, FOR);
  assert.deepEqual(reasonsOf(impact), { 'ops:shared': ['NEW'] });
  const moved = classifyImpact({ assets: [asset('shared', { location: 'ops' })] }, { assets: [asset('shared', { location: 'ops' }), asset('shared', { location: 'finance' })] }, FOR);
  assert.deepEqual(reasonsOf(moved), {}, 'finance is not served by the branch, so its copy is not compared');
});

test('downstream reach: transitive, across locations, through removed keys, never the changed ones', () => {
  const production = [
    asset('a', { codeVersion: '1' }),
    asset('b', { dependencies: [dep('a')] }),
    asset('c', { dependencies: [dep('b')], location: 'ops' }),
    asset('d', { dependencies: [dep('c')], tags: { x: '1' } }),
    asset('e', { dependencies: [dep('d')] }),
    asset('gone'),
    asset('orphan', { dependencies: [dep('gone')] }),
    asset('island'),
  ];
  const branch = production.filter((a) => a.key[0] !== 'gone').map((a) =>
    a.key[0] === 'a' ? { ...a, codeVersion: '2' } : a.key[0] === 'd' ? { ...a, tags: { x: '2' } } : a,
  );
  const impact = classifyImpact({ assets: branch }, { assets: production }, FOR);
  assert.deepEqual(impact.assets.map((a) => a.key.join('/')), ['a', 'd', 'gone']);
  assert.deepEqual(impact.downstream.map((a) => `${a.location}:${a.key.join('/')}`), ['finance:b', 'ops:c', 'finance:e', 'finance:orphan']);
});

test('nothing changed: no assets, no downstream, zero counts', () => {
  const graph = { assets: [asset('a'), asset('b', { dependencies: [dep('a')] })] };
  const impact = classifyImpact(graph, graph, FOR);
  assert.deepEqual(impact.assets, []);
  assert.deepEqual(impact.downstream, []);
  assert.ok(Object.values(impact.counts).every((n) => n === 0));
});

test('10,000 assets each side: every planted change found, downstream matches a naive closure', () => {
  const { production, branch, expected } = generateGraphs(10_000);
  const impact = classifyImpact(branch, production, FOR);
  const got = new Map(impact.assets.map((a) => [a.key.join('/'), a.reasons]));
  assert.equal(got.size, expected.size);
  for (const [key, reasons] of expected) assert.deepEqual(got.get(key), reasons, key);

  // Naive closure, another way: one pass in list order (the generator lists parents before their
  // children), an unchanged asset is downstream iff a parent is changed or downstream.
  const changedKeys = new Set(impact.assets.map((a) => a.key.join('/')));
  const reached = new Set<string>();
  for (const a of branch.assets) {
    if (a.dependencies.some((d) => changedKeys.has(d.key.join('/')) || reached.has(d.key.join('/')))) reached.add(a.key.join('/'));
  }
  const affected = (k: string): boolean => reached.has(k);
  const want = branch.assets.map((a) => a.key.join('/')).filter((k) => !changedKeys.has(k) && affected(k)).sort();
  assert.deepEqual(impact.downstream.map((a) => a.key.join('/')).sort(), want);
  assert.ok(want.length > 1000, 'the planted changes reach far');
});
