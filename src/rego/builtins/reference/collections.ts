// array.flatten, walk, json.remove, json.filter, graph.reachable.
import { BuiltinError } from '../../value/errors.js';
import { RNumber } from '../../value/number.js';
import { RObject, RSet, setOf, type Value } from '../../value/value.js';
import { arr, elems, obj } from './check.js';
import type { BuiltinDef } from './types.js';

/** One level only, as OPA's array.flatten. */
function flatten(xs: Value[]): Value[] {
  return xs.flatMap((x) => (Array.isArray(x) ? x : [x]));
}

function walk(v: Value, path: Value[], out: Value[]): void {
  out.push([[...path], v]);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, RNumber.int(i)], out));
  else if (v instanceof RObject) v.sortedEntries().forEach(([k, x]) => walk(x, [...path, k], out));
  else if (v instanceof RSet) v.sorted().forEach((x) => walk(x, [...path, x], out));
}

/** JSON pointer strings ("a/b/0") or arrays of segments, as json.remove/filter accept. */
function pathsOf(name: string, v: Value | undefined): Value[][] {
  return elems(name, v, 2).map((p) => {
    if (typeof p === 'string') return p.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (Array.isArray(p)) return p;
    throw new BuiltinError(name, 'operand 2 must be one of {set, array} containing string paths or array of path segments');
  });
}

interface Trie {
  leaf: boolean;
  kids: Map<string, Trie>;
}

function trieOf(paths: Value[][]): Trie {
  const root: Trie = { leaf: false, kids: new Map() };
  for (const p of paths) {
    let n = root;
    for (const seg of p) {
      const k = typeof seg === 'string' ? seg : seg instanceof RNumber ? seg.toString() : JSON.stringify(seg);
      let next = n.kids.get(k);
      if (!next) n.kids.set(k, (next = { leaf: false, kids: new Map() }));
      n = next;
    }
    n.leaf = true;
  }
  return root;
}

const keyText = (k: Value): string => (typeof k === 'string' ? k : k instanceof RNumber ? k.toString() : JSON.stringify(k));

function remove(v: Value, t: Trie): Value | undefined {
  if (t.leaf) return undefined;
  if (t.kids.size === 0) return v;
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.sortedEntries()) {
      const sub = t.kids.get(keyText(k));
      if (!sub) out.set(k, x);
      else {
        const r = remove(x, sub);
        if (r !== undefined) out.set(k, r);
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = t.kids.get(String(i));
      if (!sub) out.push(x);
      else {
        const r = remove(x, sub);
        if (r !== undefined) out.push(r);
      }
    });
    return out;
  }
  if (v instanceof RSet) return setOf(v.sorted().filter((x) => !t.kids.get(keyText(x))?.leaf));
  return v;
}

function filter(v: Value, t: Trie): Value | undefined {
  if (t.leaf) return v;
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.sortedEntries()) {
      const sub = t.kids.get(keyText(k));
      const r = sub && filter(x, sub);
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = t.kids.get(String(i));
      const r = sub && filter(x, sub);
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  if (v instanceof RSet) return setOf(v.sorted().filter((x) => t.kids.get(keyText(x))));
  return undefined;
}

export const collectionBuiltins: BuiltinDef[] = [
  { name: 'array.flatten', arity: 1, impl: ([a]) => flatten(arr('array.flatten', a, 1)) },
  {
    name: 'walk',
    arity: 1,
    impl: ([v]) => {
      const out: Value[] = [];
      walk(v ?? null, [], out);
      // A relation: the planner scans the returned [path, value] pairs (as OPA's Wasm runtime).
      return out;
    },
  },
  { name: 'json.remove', arity: 2, impl: ([o, p]) => remove(obj('json.remove', o, 1), trieOf(pathsOf('json.remove', p))) ?? new RObject() },
  { name: 'json.filter', arity: 2, impl: ([o, p]) => filter(obj('json.filter', o, 1), trieOf(pathsOf('json.filter', p))) ?? new RObject() },
  {
    name: 'graph.reachable',
    arity: 2,
    impl: ([g, init]) => {
      const graph = obj('graph.reachable', g, 1);
      const seen = new RSet();
      const queue = [...elems('graph.reachable', init, 2)];
      while (queue.length > 0) {
        const n = queue.shift() as Value;
        if (seen.has(n)) continue;
        const edges = graph.get(n);
        if (edges === undefined) continue;
        seen.add(n);
        if (Array.isArray(edges) || edges instanceof RSet) queue.push(...elems('graph.reachable', edges, 1));
      }
      return seen;
    },
  },
];
