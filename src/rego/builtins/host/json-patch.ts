// json.patch: RFC 6902 operations over a document (add, remove, replace, move, copy, test).
// Arguments arrive as Rego value text (../host-abi.ts) so sets stay sets: as in OPA, a set's
// members are addressed by their own value (`/foo/b` is the member "b"), and a member added at
// `/foo/d` must be "d". The result goes back as Rego value text too, so sets survive.
import type { HostBuiltins } from './index.js';
import { parseRegoText, regoString, type Term } from './rego-text.js';
import { compare, setOf, str, type Value } from './values.js';

/** A Rego set while patching: kept apart from arrays so `add`/`remove` know what they touch. */
class RegoSet {
  constructor(readonly items: readonly Doc[]) {}
}

type Doc = null | boolean | number | string | Doc[] | RegoSet | { [k: string]: Doc };
type Obj = { [k: string]: Doc };

function isObj(v: Doc): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RegoSet);
}

function fromTerm(t: Term): Doc {
  switch (t.t) {
    case 'scalar':
      return t.value;
    case 'array':
      return t.items.map(fromTerm);
    case 'set':
      return new RegoSet(t.items.map(fromTerm));
    case 'object':
      return Object.fromEntries(t.entries.map(([k, v]) => [k.t === 'scalar' && typeof k.value === 'string' ? k.value : regoString(k), fromTerm(v)]));
  }
}

function toJson(d: Doc): Value {
  if (d instanceof RegoSet) return setOf(d.items.map(toJson));
  if (Array.isArray(d)) return d.map(toJson);
  if (isObj(d)) return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, toJson(v)]));
  return d;
}

/** How a path segment names a value: strings as themselves, anything else as JSON text. */
function segmentOf(v: Doc): string {
  return typeof v === 'string' ? v : JSON.stringify(toJson(v));
}

function equal(a: Doc, b: Doc): boolean {
  return compare(toJson(a), toJson(b)) === 0;
}

function pointer(p: Doc): string[] {
  if (Array.isArray(p)) return p.map(segmentOf);
  const text = str(p);
  if (text === '') return [];
  // OPA also takes a path without the leading slash.
  return text.replace(/^\//, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const INDEX = /^(0|[1-9]\d*)$/;

function member(set: RegoSet, seg: string): number {
  return set.items.findIndex((x) => segmentOf(x) === seg);
}

function get(doc: Doc, path: readonly string[]): Doc {
  let cur = doc;
  for (const seg of path) {
    if (isObj(cur) && seg in cur) cur = cur[seg] as Doc;
    else if (Array.isArray(cur) && INDEX.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)] as Doc;
    else if (cur instanceof RegoSet && member(cur, seg) >= 0) cur = cur.items[member(cur, seg)] as Doc;
    else throw new RangeError(`path not found: ${seg}`);
  }
  return cur;
}

/** Applies `edit` to the parent of `path`'s last segment, copying along the way. */
function update(doc: Doc, path: readonly string[], edit: (parent: Doc, last: string) => Doc): Doc {
  if (path.length === 0) throw new RangeError('empty path');
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return edit(doc, head);
  if (isObj(doc) && head in doc) return { ...doc, [head]: update(doc[head] as Doc, rest, edit) };
  if (Array.isArray(doc) && INDEX.test(head) && Number(head) < doc.length) {
    const copy = [...doc];
    copy[Number(head)] = update(doc[Number(head)] as Doc, rest, edit);
    return copy;
  }
  if (doc instanceof RegoSet && member(doc, head) >= 0) {
    const i = member(doc, head);
    const items = doc.items.filter((_, j) => j !== i);
    const changed = update(doc.items[i] as Doc, rest, edit);
    return new RegoSet(items.some((x) => equal(x, changed)) ? items : [...items, changed]);
  }
  throw new RangeError(`path not found: ${head}`);
}

function add(doc: Doc, path: readonly string[], value: Doc): Doc {
  if (path.length === 0) return value;
  return update(doc, path, (parent, last) => {
    if (isObj(parent)) return { ...parent, [last]: value };
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!/^(\d+|-)$/.test(last) || i > parent.length) throw new RangeError('bad array index');
      return [...parent.slice(0, i), value, ...parent.slice(i)];
    }
    if (parent instanceof RegoSet) {
      if (segmentOf(value) !== last) throw new RangeError('a set member must be added at its own value');
      return member(parent, last) >= 0 ? parent : new RegoSet([...parent.items, value]);
    }
    throw new TypeError('cannot add to a scalar');
  });
}

function remove(doc: Doc, path: readonly string[]): Doc {
  return update(doc, path, (parent, last) => {
    if (isObj(parent) && last in parent) {
      const copy = { ...parent };
      delete copy[last];
      return copy;
    }
    if (Array.isArray(parent) && INDEX.test(last) && Number(last) < parent.length) return parent.filter((_, j) => j !== Number(last));
    if (parent instanceof RegoSet && member(parent, last) >= 0) {
      const i = member(parent, last);
      return new RegoSet(parent.items.filter((_, j) => j !== i));
    }
    throw new RangeError('nothing to remove');
  });
}

function apply(doc: Doc, op: Doc): Doc {
  if (!isObj(op)) throw new TypeError('patch operation must be an object');
  const o = op;
  const path = pointer(o['path'] as Doc);
  if (['add', 'replace', 'test'].includes(String(o['op'])) && !('value' in o)) throw new TypeError("missing 'value' parameter");
  if (['move', 'copy'].includes(String(o['op'])) && !('from' in o)) throw new TypeError("missing 'from' parameter");
  switch (o['op']) {
    case 'add': return add(doc, path, o['value'] as Doc);
    case 'remove': return remove(doc, path);
    case 'replace': get(doc, path); return add(path.length === 0 ? doc : remove(doc, path), path, o['value'] as Doc);
    case 'move': { const from = pointer(o['from'] as Doc); const v = get(doc, from); return add(remove(doc, from), path, v); }
    case 'copy': return add(doc, path, get(doc, pointer(o['from'] as Doc)));
    case 'test': if (!equal(get(doc, path), o['value'] as Doc)) throw new RangeError('test failed'); return doc;
    default: throw new TypeError(`unknown op ${String(o['op'])}`);
  }
}

/** Rego value text of a document: sets stay sets (the backend parses it back, ../host-abi.ts). */
function regoText(d: Doc): string {
  if (d instanceof RegoSet) {
    const items = [...d.items].sort((a, b) => compare(toJson(a), toJson(b)));
    return items.length === 0 ? 'set()' : `{${items.map(regoText).join(', ')}}`;
  }
  if (Array.isArray(d)) return `[${d.map(regoText).join(', ')}]`;
  if (isObj(d)) return `{${Object.entries(d).map(([k, v]) => `${JSON.stringify(k)}: ${regoText(v)}`).join(', ')}}`;
  return JSON.stringify(d);
}

function patch(docText: unknown, opsText: unknown): string {
  const ops = fromTerm(parseRegoText(str(opsText)));
  if (!Array.isArray(ops)) throw new TypeError('patches must be an array');
  return regoText(ops.reduce<Doc>((d, op) => apply(d, op), fromTerm(parseRegoText(str(docText)))));
}

export const jsonPatchBuiltins: HostBuiltins = {
  'json.patch': patch,
};
