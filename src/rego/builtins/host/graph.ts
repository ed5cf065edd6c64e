// graph.reachable and graph.reachable_paths over adjacency objects (edges as arrays or sets).
import type { HostBuiltins } from './index.js';
import { arr, isObj, obj, setOf, type Value } from './values.js';

function neighbours(graph: Record<string, Value>, node: Value): Value[] {
  const edges = graph[typeof node === 'string' ? node : JSON.stringify(node)];
  if (edges === undefined || edges === null) return [];
  if (isObj(edges)) return Object.keys(edges);
  return arr(edges);
}

function reachable(g: unknown, initial: unknown): Value[] {
  const graph = obj(g);
  const seen: Value[] = [];
  const key = (v: Value) => JSON.stringify(v);
  const visited = new Set<string>();
  const queue = isObj(initial) ? Object.keys(initial) : arr(initial);
  while (queue.length > 0) {
    const n = queue.shift() as Value;
    if (visited.has(key(n))) continue;
    visited.add(key(n));
    if (!(String(n) in graph)) continue;
    seen.push(n);
    queue.push(...neighbours(graph, n));
  }
  return setOf(seen);
}

/**
 * OPA's path walk: `reached` is shared by the whole walk, not per path. A node is marked once the
 * walk steps from it to a node that exists; stepping to a marked node ends the path before it.
 * A step to a node missing from the graph ends the path without it.
 */
function reachablePaths(g: unknown, initial: unknown): Value[] {
  const graph = obj(g);
  const out: Value[] = [];
  const reached = new Set<string>();
  const key = (v: Value): string => JSON.stringify(v);
  const walk = (node: Value, path: Value[]): void => {
    if (!(String(node) in graph)) {
      if (path.length > 0) out.push(path);
      return;
    }
    const next = [...path, node];
    const edges = neighbours(graph, node);
    if (edges.length === 0) out.push(next);
    for (const e of edges) {
      if (reached.has(key(e))) {
        out.push(next);
        continue;
      }
      if (String(e) in graph) reached.add(key(node));
      walk(e, next);
    }
  };
  for (const n of isObj(initial) ? Object.keys(initial) : arr(initial)) walk(n, []);
  return setOf(out);
}

export const graphBuiltins: HostBuiltins = {
  'graph.reachable': reachable,
  'graph.reachable_paths': reachablePaths,
};
