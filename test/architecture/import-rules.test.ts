// The import rule, checked on the sources:
//
//   main -> {deployments, upstreams} -> pipeline -> {http, identity, auth, policy, audit}
//
// Nothing imports main but the command line; main reaches an upstream only through its
// index.ts; an upstream imports no other upstream; the pipeline knows no upstream;
// pipeline/types.ts imports only types (identity, policy and the HTTP facts); http imports only
// http; audit, auth, identity, policy, observability and config import nothing of the pipeline
// or above, and audit, auth and observability name no upstream.
// There are no import cycles between files outside the compiler (src/rego has its own test).
//
// The folder counts print as diagnostics; `node dist/test/architecture/import-graph.js` prints
// them too.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { folderCounts, folderOf, importEdges, sourceFiles, type ImportEdge } from './import-graph.js';

const ROOT = packageRoot();

/** Folders below the pipeline: they may be used by it, and use nothing of it or above. */
const BELOW_PIPELINE = new Set(['audit', 'auth', 'identity', 'policy', 'observability', 'config', 'http', 'util']);
const ABOVE_PIPELINE = (folder: string): boolean => folder === 'main' || folder === 'cli' || folder === 'deployments' || folder.startsWith('upstreams/');

interface Rule {
  readonly name: string;
  forbids(edge: ImportEdge, from: string, to: string): boolean;
}

const RULES: readonly Rule[] = [
  { name: 'nothing imports main but the command line', forbids: (_e, from, to) => to === 'main' && from !== 'main' && from !== 'cli' },
  { name: 'main builds an upstream through its front door (upstreams/<kind>/index.ts)', forbids: (e, from, to) => from === 'main' && to.startsWith('upstreams/') && !e.to.endsWith('/index.ts') },
  { name: 'an upstream imports no other upstream', forbids: (_e, from, to) => from.startsWith('upstreams/') && to.startsWith('upstreams/') && from !== to },
  { name: 'an upstream imports nothing above it', forbids: (_e, from, to) => from.startsWith('upstreams/') && (to === 'main' || to === 'cli' || to === 'deployments') },
  { name: 'the branch-deployment loop names no upstream (main wires Gerrit and Dagster into it)', forbids: (_e, from, to) => from === 'deployments' && to.startsWith('upstreams/') },
  { name: 'only main builds the branch-deployment loop', forbids: (_e, from, to) => to === 'deployments' && from !== 'deployments' && from !== 'main' },
  { name: 'the pipeline knows no upstream', forbids: (_e, from, to) => from === 'pipeline' && ABOVE_PIPELINE(to) },
  {
    name: 'pipeline/types.ts imports only types, from identity, policy, http and errors',
    forbids: (e) => e.from === 'pipeline/types.ts' && (!e.typeOnly || !/^(identity|policy|http)\/|^errors\.ts$/.test(e.to)),
  },
  { name: 'http imports only http and errors', forbids: (e, from, to) => from === 'http' && to !== 'http' && e.to !== 'errors.ts' },
  { name: 'what the pipeline uses imports nothing of the pipeline or above', forbids: (_e, from, to) => BELOW_PIPELINE.has(from) && (to === 'pipeline' || ABOVE_PIPELINE(to)) },
];

export function violations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    for (const rule of RULES) if (rule.forbids(e, from, to)) out.push(`${rule.name}: ${e.from} imports ${e.to}`);
  }
  return out;
}

/** Import cycles between files, each as its files in order (Tarjan's strongly connected components). */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

const edges = importEdges(ROOT);

test('the import rule holds', (t) => {
  for (const [edge, n] of folderCounts(edges)) if (!edge.includes('rego')) t.diagnostic(`${String(n).padStart(4)}  ${edge}`);
  assert.deepEqual(violations(edges), []);
});

test('the rule check catches a forbidden import (it is not vacuous)', () => {
  const forbidden: ImportEdge[] = [
    { from: 'pipeline/stamp.ts', to: 'upstreams/gerrit/session.ts', typeOnly: false },
    { from: 'upstreams/dagster/index.ts', to: 'upstreams/gerrit/index.ts', typeOnly: false },
    { from: 'audit/types.ts', to: 'pipeline/types.ts', typeOnly: true },
    { from: 'observability/admin.ts', to: 'main/server.ts', typeOnly: false },
    { from: 'pipeline/types.ts', to: 'audit/types.ts', typeOnly: true },
    { from: 'pipeline/types.ts', to: 'identity/types.ts', typeOnly: false },
    { from: 'http/stamp.ts', to: 'auth/session/cookies.ts', typeOnly: false },
    { from: 'main/upstreams.ts', to: 'upstreams/gerrit/session.ts', typeOnly: false },
  ];
  for (const e of forbidden) assert.ok(violations([e]).length > 0, `${e.from} -> ${e.to} passed`);
  assert.deepEqual(violations([{ from: 'main/server.ts', to: 'upstreams/gerrit/index.ts', typeOnly: false }, { from: 'cli/commands/serve.ts', to: 'main/server.ts', typeOnly: false }]), []);
});

test('no import cycles between files outside the compiler', () => {
  const outside = edges.filter((e) => !e.from.startsWith('rego/') && !e.to.startsWith('rego/'));
  assert.deepEqual(cycles(outside), []);
  assert.deepEqual(cycles([{ from: 'a.ts', to: 'b.ts', typeOnly: true }, { from: 'b.ts', to: 'a.ts', typeOnly: true }]), [['a.ts', 'b.ts']], 'the check sees a type-only cycle');
});

test('audit, auth and observability name no upstream', () => {
  const kinds = readdirSync(join(ROOT, 'src', 'upstreams'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(kinds.includes('gerrit') && kinds.includes('dagster'));
  const named = new RegExp(`['"\`](?:${kinds.join('|')})(?:[.'"\`/])`);
  const found: string[] = [];
  for (const file of ['audit', 'auth', 'observability'].flatMap((d) => sourceFiles(join(ROOT, 'src', d)))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        // Comments may name them; code may not.
        const code = line.replace(/\/\/.*$/, '').replace(/\/\*.*$/, '').replace(/^\s*\*.*$/, '');
        if (named.test(code)) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});
