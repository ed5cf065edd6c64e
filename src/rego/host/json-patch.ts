// json.patch: RFC 6902 operations over a document (add, remove, replace, move, copy, test).
import type { HostBuiltins } from './index.js';
import { arr, equal, isObj, obj, str, type Value } from './values.js';

function pointer(p: Value): string[] {
  if (Array.isArray(p)) return p.map((s) => (typeof s === 'string' ? s : JSON.stringify(s)));
  const text = str(p);
  if (text === '') return [];
  if (!text.startsWith('/')) throw new SyntaxError('JSON pointer must start with /');
  return text.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function get(doc: Value, path: readonly string[]): Value {
  let cur = doc;
  for (const seg of path) {
    if (isObj(cur) && seg in cur) cur = cur[seg] as Value;
    else if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)] as Value;
    else throw new RangeError(`path not found: ${seg}`);
  }
  return cur;
}

/** Applies `edit` to the parent of `path`'s last segment, copying along the way. */
function update(doc: Value, path: readonly string[], edit: (parent: Value, last: string) => Value): Value {
  if (path.length === 0) throw new RangeError('empty path');
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return edit(doc, head);
  if (isObj(doc) && head in doc) return { ...doc, [head]: update(doc[head] as Value, rest, edit) };
  if (Array.isArray(doc) && /^\d+$/.test(head) && Number(head) < doc.length) {
    const copy = [...doc];
    copy[Number(head)] = update(doc[Number(head)] as Value, rest, edit);
    return copy;
  }
  throw new RangeError(`path not found: ${head}`);
}

function add(doc: Value, path: readonly string[], value: Value): Value {
  if (path.length === 0) return value;
  return update(doc, path, (parent, last) => {
    if (isObj(parent)) return { ...parent, [last]: value };
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!/^(\d+|-)$/.test(last) || i > parent.length) throw new RangeError('bad array index');
      return [...parent.slice(0, i), value, ...parent.slice(i)];
    }
    throw new TypeError('cannot add to a scalar');
  });
}

function remove(doc: Value, path: readonly string[]): Value {
  return update(doc, path, (parent, last) => {
    if (isObj(parent) && last in parent) {
      const copy = { ...parent };
      delete copy[last];
      return copy;
    }
    if (Array.isArray(parent) && /^\d+$/.test(last) && Number(last) < parent.length) return parent.filter((_, j) => j !== Number(last));
    throw new RangeError('nothing to remove');
  });
}

function apply(doc: Value, op: Value): Value {
  const o = obj(op);
  const path = pointer(o['path'] as Value);
  if (['add', 'replace', 'test'].includes(String(o['op'])) && !('value' in o)) throw new TypeError("missing 'value' parameter");
  if (['move', 'copy'].includes(String(o['op'])) && !('from' in o)) throw new TypeError("missing 'from' parameter");
  switch (o['op']) {
    case 'add': return add(doc, path, o['value'] as Value);
    case 'remove': return remove(doc, path);
    case 'replace': get(doc, path); return add(path.length === 0 ? doc : remove(doc, path), path, o['value'] as Value);
    case 'move': { const from = pointer(o['from'] as Value); const v = get(doc, from); return add(remove(doc, from), path, v); }
    case 'copy': return add(doc, path, get(doc, pointer(o['from'] as Value)));
    case 'test': if (!equal(get(doc, path), o['value'] as Value)) throw new RangeError('test failed'); return doc;
    default: throw new TypeError(`unknown op ${String(o['op'])}`);
  }
}

export const jsonPatchBuiltins: HostBuiltins = {
  'json.patch': (doc, ops) => arr(ops).reduce<Value>((d, op) => apply(d, op), doc as Value),
};
