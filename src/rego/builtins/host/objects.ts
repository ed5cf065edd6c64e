// Object and JSON-document builtins.
import type { HostBuiltins } from './index.js';
import { arr, equal, isObj, obj, str, type Obj, type Value } from './values.js';

function keysOf(v: unknown): string[] {
  if (isObj(v)) return Object.keys(v);
  return arr(v).map((k) => (typeof k === 'string' ? k : JSON.stringify(k)));
}

function union(a: Value, b: Value): Value {
  if (!isObj(a) || !isObj(b)) return b;
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? union(a[k] as Value, v) : v;
  return out;
}

function subset(sup: Value, sub: Value): boolean {
  if (isObj(sup) && isObj(sub)) {
    return Object.entries(sub).every(([k, v]) => k in sup && (isObj(v) && isObj(sup[k]) ? subset(sup[k] as Value, v) : subset(sup[k] as Value, v)));
  }
  if (Array.isArray(sup) && Array.isArray(sub)) {
    // Sets arrive as arrays: treat both as sets, which also holds for the array cases OPA accepts.
    return sub.every((x) => sup.some((y) => equal(x, y)));
  }
  return equal(sup, sub);
}

/** A path as json.remove/json.filter take it: "a/b/c" or ["a", "b", "c"]. */
function pathOf(p: Value): string[] {
  if (typeof p === 'string') return p.split('/').filter((s, i) => !(i === 0 && s === ''));
  return arr(p).map((s) => (typeof s === 'string' ? s : JSON.stringify(s)));
}

function removePath(doc: Value, path: readonly string[]): Value {
  if (path.length === 0) return doc;
  const [head, ...rest] = path as [string, ...string[]];
  if (isObj(doc)) {
    if (!(head in doc)) return doc;
    const out: Obj = { ...doc };
    if (rest.length === 0) delete out[head];
    else out[head] = removePath(doc[head] as Value, rest);
    return out;
  }
  if (Array.isArray(doc)) {
    const i = Number(head);
    if (!Number.isInteger(i) || i < 0 || i >= doc.length) return doc;
    if (rest.length === 0) return doc.filter((_, j) => j !== i);
    return doc.map((x, j) => (j === i ? removePath(x, rest) : x));
  }
  return doc;
}

interface PathTree {
  [seg: string]: PathTree;
}

function filterTree(doc: Value, tree: PathTree): Value {
  if (Object.keys(tree).length === 0) return doc;
  if (isObj(doc)) {
    const out: Obj = {};
    for (const [k, sub] of Object.entries(tree)) if (k in doc) out[k] = filterTree(doc[k] as Value, sub);
    return out;
  }
  if (Array.isArray(doc)) {
    const out: Value[] = [];
    doc.forEach((x, i) => {
      const sub = tree[String(i)];
      if (sub) out.push(filterTree(x, sub));
    });
    return out;
  }
  return doc;
}

function buildTree(paths: Value[]): PathTree {
  const root: PathTree = {};
  for (const p of paths) {
    let node = root;
    const segs = pathOf(p);
    for (const s of segs) node = node[s] ??= {};
    // A shorter path keeps the whole subtree.
    for (const k of Object.keys(node)) delete node[k];
  }
  return root;
}

function walk(v: Value, path: Value[], out: Value[]): void {
  out.push([path, v]);
  if (isObj(v)) for (const k of Object.keys(v).sort()) walk(v[k] as Value, [...path, k], out);
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
}

export const objectBuiltins: HostBuiltins = {
  'object.remove': (o, keys) => {
    const drop = new Set(keysOf(keys));
    return Object.fromEntries(Object.entries(obj(o)).filter(([k]) => !drop.has(k)));
  },
  'object.filter': (o, keys) => {
    const keep = new Set(keysOf(keys));
    return Object.fromEntries(Object.entries(obj(o)).filter(([k]) => keep.has(k)));
  },
  'object.union': (a, b) => union(obj(a), obj(b)),
  'object.union_n': (xs) => arr(xs).reduce<Value>((acc, x) => union(acc, obj(x)), {}),
  'object.subset': (sup, sub) => subset(sup as Value, sub as Value),
  'json.remove': (doc, paths) => arr(paths).reduce<Value>((d, p) => removePath(d, pathOf(p)), obj(doc)),
  'json.filter': (doc, paths) => {
    const tree = buildTree(arr(paths));
    return Object.keys(tree).length === 0 ? {} : filterTree(obj(doc), tree);
  },
  'walk': (v) => {
    const out: Value[] = [];
    walk(v as Value, [], out);
    return out;
  },
  'json.marshal_with_options': (v, opts) => {
    const o = obj(opts);
    for (const k of Object.keys(o)) if (!['pretty', 'indent', 'prefix'].includes(k)) throw new TypeError(`unknown option ${k}`);
    const indent = o['indent'] === undefined ? '\t' : str(o['indent']);
    const prefix = o['prefix'] === undefined ? '' : str(o['prefix']);
    const pretty = typeof o['pretty'] === 'boolean' ? o['pretty'] : 'indent' in o || 'prefix' in o;
    if (!pretty) return JSON.stringify(v);
    return JSON.stringify(v, null, indent).split('\n').map((l) => prefix + l).join('\n');
  },
  'urlquery.encode_object': (o) =>
    Object.keys(obj(o))
      .sort()
      .flatMap((k) => {
        const v = obj(o)[k];
        const vals = Array.isArray(v) ? v.map(str) : [str(v)];
        return vals.map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`.replace(/%20/g, '+'));
      })
      .join('&'),
  'urlquery.decode_object': (s) => {
    const out: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(str(s))) (out[k] ??= []).push(v);
    return out;
  },
};
