// graph.reachable(_paths), semver.*, uuid.parse.
import type { HostBuiltins } from './index.js';
import { arr, isObj, obj, setOf, str, type Value } from './values.js';

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

function reachablePaths(g: unknown, initial: unknown): Value[] {
  const graph = obj(g);
  const out: Value[] = [];
  const walk = (node: Value, path: Value[]): void => {
    if (!(String(node) in graph)) {
      if (path.length > 0) out.push(path);
      return;
    }
    const next = [...path, node];
    const edges = neighbours(graph, node).filter((e) => !next.some((p) => JSON.stringify(p) === JSON.stringify(e)));
    if (edges.length === 0) out.push(next);
    for (const e of edges) walk(e, next);
  };
  for (const n of isObj(initial) ? Object.keys(initial) : arr(initial)) walk(n, []);
  return setOf(out);
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverParts(v: string): { core: bigint[]; pre: string[] } {
  const m = SEMVER.exec(v);
  if (!m) throw new SyntaxError(`invalid semver ${v}`);
  return { core: [BigInt(m[1] as string), BigInt(m[2] as string), BigInt(m[3] as string)], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (xn !== yn) {
      return xn ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return Math.sign(a.length - b.length);
}

function semverCompare(a: unknown, b: unknown): number {
  const x = semverParts(str(a));
  const y = semverParts(str(b));
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] as bigint) - (y.core[i] as bigint);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return comparePre(x.pre, y.pre);
}

function uuidBytes(s: string): Buffer {
  let t = s;
  if (/^urn:uuid:/i.test(t)) t = t.slice(9);
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (/^[0-9a-fA-F]{32}$/.test(t)) return Buffer.from(t, 'hex');
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(t)) throw new SyntaxError('invalid uuid');
  return Buffer.from(t.replaceAll('-', ''), 'hex');
}

function variant(b: number): string {
  if ((b & 0x80) === 0) return 'Reserved';
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  return 'Future';
}

const GREGORIAN_OFFSET_100NS = 122192928000000000n;

function uuidParse(s: unknown): Record<string, Value> {
  const u = uuidBytes(str(s));
  const version = (u[6] as number) >> 4;
  const out: Record<string, Value> = { version, variant: variant(u[8] as number) };
  if (version !== 1 && version !== 2) return out;
  const low = BigInt(u.readUInt32BE(0));
  const mid = BigInt(u.readUInt16BE(4));
  const hi = BigInt(u.readUInt16BE(6) & 0x0fff);
  const ts100 = (hi << 48n) | (mid << 32n) | low;
  out['time'] = Number((ts100 - GREGORIAN_OFFSET_100NS) * 100n);
  out['clocksequence'] = u.readUInt16BE(8) & 0x3fff;
  const node = [...u.subarray(10, 16)];
  out['nodeid'] = node.map((b) => b.toString(16).padStart(2, '0')).join('-');
  const first = node[0] as number;
  out['macvariables'] = `${first & 2 ? 'local' : 'global'}:${first & 1 ? 'multicast' : 'unicast'}`;
  if (version === 2) {
    out['domain'] = ['Person', 'Group', 'Org'][u[9] as number] ?? `Domain${u[9]}`;
    out['id'] = u.readUInt32BE(0);
  }
  return out;
}

export const misc2Builtins: HostBuiltins = {
  'graph.reachable': reachable,
  'graph.reachable_paths': reachablePaths,
  'semver.is_valid': (v) => typeof v === 'string' && SEMVER.test(v),
  'semver.compare': semverCompare,
  'uuid.parse': uuidParse,
};
