// Generated asset graphs for the 10k classification test and bench (BENCH_ONLY=impact): a
// production graph of `n` assets in layers, and a branch copy in which every kind of change
// (and every change that must NOT count: tags, metadata and parents reordered) is planted at
// known indexes, so the expected reasons are known by construction. Deterministic (seeded).

import type { AssetDefinition, AssetGraph, ChangeReason } from '../../../../src/upstreams/dagster/impact/types.js';

export interface GeneratedGraphs {
  readonly production: AssetGraph;
  readonly branch: AssetGraph;
  /** definition key path joined by '/' -> reasons (only changed assets). */
  readonly expected: ReadonlyMap<string, readonly ChangeReason[]>;
}

/** A small linear congruential generator: the same graphs on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LOCATIONS = ['finance', 'marketing', 'ops'];

export function generateGraphs(n: number, seed = 17): GeneratedGraphs {
  const rand = random(seed);
  const production: AssetDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const parents = new Set<number>();
    if (i > 0) for (let d = 0, count = 1 + Math.floor(rand() * 3); d < count; d++) parents.add(Math.max(0, i - 1 - Math.floor(rand() * 50)));
    production.push({
      key: ['gen', `layer${Math.floor(i / 100)}`, `asset${i}`],
      location: LOCATIONS[i % LOCATIONS.length]!,
      repository: '__repository__',
      codeVersion: i % 5 === 0 ? null : `v${i}`,
      dependencies: [...parents].map((p) => ({ key: ['gen', `layer${Math.floor(p / 100)}`, `asset${p}`], partitionMapping: null })),
      tags: { tier: i % 10 === 0 ? 'gold' : 'bronze', team: `t${i % 7}` },
      metadata: { owner_note: JSON.stringify({ text: `note ${i}` }), rows: JSON.stringify({ intValue: i }) },
      partitions: i % 4 === 0 ? JSON.stringify({ type: 'TIME_WINDOW', description: 'Daily, starting 2024-01-01' }) : null,
      group: `group${i % 13}`,
      owners: [`owner${i % 11}@example.test`],
      kinds: ['python'],
    });
  }

  const expected = new Map<string, ChangeReason[]>();
  const mark = (a: AssetDefinition, r: ChangeReason): void => {
    const k = a.key.join('/');
    expected.set(k, [...(expected.get(k) ?? []), r]);
  };
  const branch: AssetDefinition[] = [];
  for (let i = 0; i < n; i++) {
    const p = production[i]!;
    if (i % 1000 === 999) {
      mark(p, 'REMOVED');
      continue;
    }
    let a: AssetDefinition = {
      ...p,
      // Reordered: never a change.
      tags: Object.fromEntries(Object.entries(p.tags).reverse()),
      metadata: Object.fromEntries(Object.entries(p.metadata).reverse()),
      dependencies: [...p.dependencies].reverse(),
    };
    if (i % 211 === 7) {
      a = { ...a, codeVersion: `v${i}-branch` };
      mark(p, 'CODE_VERSION');
    }
    if (i % 307 === 11 && i > 0) {
      a = { ...a, dependencies: [...a.dependencies, { key: ['gen', 'layer0', 'asset0'], partitionMapping: '{"className":"AllPartitionMapping"}' }] };
      mark(p, 'DEPENDENCIES');
    }
    if (i % 401 === 4) {
      a = { ...a, partitions: JSON.stringify({ type: 'STATIC', description: 'a, b' }) };
      mark(p, 'PARTITIONS_DEFINITION');
    }
    if (i % 211 === 7 || i % 503 === 13) {
      a = { ...a, tags: { ...a.tags, tier: 'platinum' } };
      mark(p, 'TAGS');
    }
    if (i % 601 === 17) {
      a = { ...a, metadata: { ...a.metadata, rows: JSON.stringify({ intValue: -1 }) } };
      mark(p, 'METADATA');
    }
    branch.push(a);
  }
  for (let j = 0; j < n / 500; j++) {
    const a: AssetDefinition = { ...production[j]!, key: ['gen', 'new', `asset${j}`], dependencies: [{ key: production[j * 3]!.key, partitionMapping: null }] };
    branch.push(a);
    mark(a, 'NEW');
  }
  return { production: { assets: production }, branch: { assets: branch }, expected };
}
