import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, loadRuntime, type Runtime } from './harness.js';

let rt: Runtime;
before(async () => { rt = await loadRuntime(); });

describe('canonical order', () => {
  // Ascending canonical order: each value sorts strictly before the next.
  const ascending = [
    'null', 'false', 'true',
    '-123456789012345678901234567890', '-9223372036854775809', '-9223372036854775808', '-1.5', '-1',
    '0', '0.000000000000001', '0.000000000000002', '0.1', '0.10000000000001', '0.1234567890123456788',
    '0.1234567890123456789', '1', '1.5', '2', '10', '9223372036854775807', '9223372036854775808', '1e30',
    '""', '"A"', '"a"', '"ab"', '"b"', '"é"',
    '[]', '[1]', '[1, 2]', '[2]', '["a"]',
    '{}', '{"a": 1}', '{"a": 1, "b": 1}', '{"a": 2}', '{"b": 0}',
    'set()', '{1}', '{1, 2}', '{2}',
  ];
  it('orders every pair like the reference list', () => {
    const vs = ascending.map((t) => rt.val(t));
    for (let i = 0; i < vs.length; i++) {
      for (let j = 0; j < vs.length; j++) {
        const want = Math.sign(i - j);
        assert.equal(rt.exports.opa_value_compare(vs[i]!, vs[j]!), want, `${ascending[i]} vs ${ascending[j]}`);
      }
    }
  });
  it('treats equal numbers in different spellings as equal', () => {
    for (const [a, b] of [['1', '1.0'], ['1000', '1e3'], ['0.5', '5e-1'], ['-0', '0'], ['100', '1.00e2']]) {
      assert.equal(rt.exports.opa_value_compare(rt.val(a!), rt.val(b!)), 0, `${a} == ${b}`);
      assert.equal(rt.exports.opa_value_equal(rt.val(a!), rt.val(b!)), 1, `${a} == ${b}`);
    }
  });
  it('keeps objects and sets sorted whatever the insertion order', () => {
    const o = rt.exports.opa_object();
    const s = rt.exports.opa_set();
    for (const k of ['"m"', '3', '"a"', '[1]', 'null', '"z"', '3', '{}']) {
      rt.exports.opa_object_insert(o, rt.val(k), rt.val('1'));
      rt.exports.opa_set_add(s, rt.val(k));
    }
    assert.equal(rt.text(o), '{null:1,3:1,"a":1,"m":1,"z":1,[1]:1,{}:1}');
    assert.equal(rt.text(s), '{null,3,"a","m","z",[1],{}}');
  });
});

describe('containers', () => {
  it('gets by key, index and membership', () => {
    const doc = rt.val('{"a": [10, 20, {"b": {1, 2}}], "n": null}');
    const get = (v: number, k: string): number => rt.exports.opa_value_get(v, rt.val(k));
    assert.equal(rt.text(get(doc, '"n"')), 'null');
    assert.equal(get(doc, '"zz"'), 0);
    const arr = get(doc, '"a"');
    assert.equal(rt.text(get(arr, '1')), '20');
    assert.equal(get(arr, '3'), 0);
    assert.equal(get(arr, '-1'), 0);
    assert.equal(get(arr, '1.0'), 0);
    assert.equal(rt.text(get(get(get(arr, '2'), '"b"'), '2')), '2');
    assert.equal(get(get(get(arr, '2'), '"b"'), '3'), 0);
    assert.equal(get(rt.val('"str"'), '0'), 0);
  });
  it('scans arrays, objects and sets in order, and scalars not at all', () => {
    const scan = (t: string): string[] => {
      const v = rt.val(t);
      const out: string[] = [];
      const n = rt.exports.opa_scan_len(v);
      for (let i = 0; i < n; i++) out.push(`${rt.text(rt.exports.opa_scan_key(v, i))}=${rt.text(rt.exports.opa_scan_value(v, i))}`);
      return out;
    };
    assert.deepEqual(scan('["x", "y"]'), ['0="x"', '1="y"']);
    assert.deepEqual(scan('{"b": 1, "a": 2}'), ['"a"=2', '"b"=1']);
    assert.deepEqual(scan('{"q", "p"}'), ['"p"="p"', '"q"="q"']);
    assert.deepEqual(scan('"abc"'), []);
    assert.deepEqual(scan('7'), []);
  });
  it('iterates keys like the C runtime', () => {
    for (const [t, keys] of [['["x", "y"]', ['0', '1']], ['{"b": 1, "a": 2}', ['"a"', '"b"']], ['{3, 1}', ['1', '3']]] as const) {
      const v = rt.val(t);
      const seen: string[] = [];
      for (let k = rt.exports.opa_value_iter(v, 0), i = 0; k !== 0 && i < 10; k = rt.exports.opa_value_iter(v, k), i++) seen.push(rt.text(k));
      assert.deepEqual(seen, keys);
    }
  });
  it('reports types and lengths', () => {
    const types = ['null', 'true', '1', '"s"', '[]', '{}', 'set()'].map((t) => rt.exports.opa_value_type(rt.val(t)));
    assert.deepEqual(types, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rt.exports.opa_value_type(0), 0);
    assert.equal(rt.exports.opa_value_length(rt.val('[1,2,3]')), 3);
    assert.equal(rt.exports.opa_value_length(rt.val('"héllo"')), 6);
    assert.equal(rt.exports.opa_value_length(rt.val('{"a": 1}')), 1);
  });
  it('appends to arrays past their capacity', () => {
    const a = rt.exports.opa_array_with_cap(1);
    for (let i = 0; i < 100; i++) rt.exports.opa_array_append(a, rt.exports.opa_number_int(BigInt(i)));
    assert.equal(rt.json(a), JSON.stringify(Array.from({ length: 100 }, (_, i) => i)));
  });
  it('insert_once accepts the same value and aborts on a different one', () => {
    const o = rt.val('{"a": 1}');
    rt.exports.opa_object_insert_once(o, rt.val('"a"'), rt.val('1.0'));
    rt.exports.opa_object_insert_once(o, rt.val('"b"'), rt.val('2'));
    assert.equal(rt.json(o), '{"a":1,"b":2}');
    assert.throws(() => rt.exports.opa_object_insert_once(o, rt.val('"a"'), rt.val('3')),
      (e: unknown) => e instanceof AbortError && e.message === 'object insert conflict');
  });
  it('merges objects deeply like the C runtime: a wins where both are not objects', () => {
    const m = (a: string, b: string): string => rt.text(rt.exports.opa_value_merge(rt.val(a), rt.val(b)));
    assert.equal(m('{"a": {"x": 1}, "b": 1}', '{"a": {"y": 2}, "c": 3}'), '{"a":{"x":1,"y":2},"b":1,"c":3}');
    assert.equal(m('{"k": "foo"}', '{"k": "bar"}'), '{"k":"foo"}');
    assert.equal(m('{"a": {"x": 1}}', '{"a": 5}'), '{"a":{"x":1}}');
    assert.equal(m('{"a": 1}', '[1]'), '{"a":1}');
    assert.equal(m('7', '{"a": 1}'), '7');
    assert.equal(rt.text(rt.exports.opa_value_merge(0, rt.val('{"a":1}'))), '{"a":1}');
    assert.equal(rt.text(rt.exports.opa_value_merge(rt.val('{"a":1}'), 0)), '{"a":1}');
  });
  it('upserts along a path without touching the original', () => {
    const root = rt.val('{"a": {"b": 1, "c": 2}, "d": 3}');
    const next = rt.exports.opa_value_with(root, rt.val('["a", "b"]'), rt.val('"x"'));
    assert.equal(rt.text(next), '{"a":{"b":"x","c":2},"d":3}');
    assert.equal(rt.text(root), '{"a":{"b":1,"c":2},"d":3}');
    assert.equal(rt.text(rt.exports.opa_value_with(0, rt.val('["p", "q"]'), rt.val('1'))), '{"p":{"q":1}}');
    assert.equal(rt.text(rt.exports.opa_value_with(root, rt.val('[]'), rt.val('1'))), '1');
    assert.equal(rt.text(rt.exports.opa_value_with(root, rt.val('["d", "e"]'), rt.val('1'))), '{"a":{"b":1,"c":2},"d":{"e":1}}');
  });
  it('shallow-copies containers so inserts do not leak into the source', () => {
    const a = rt.val('{"a": 1}');
    const b = rt.exports.opa_value_shallow_copy(a);
    rt.exports.opa_object_insert(b, rt.val('"b"'), rt.val('2'));
    assert.equal(rt.text(a), '{"a":1}');
    assert.equal(rt.text(b), '{"a":1,"b":2}');
  });
  it('builds numbers from text exactly', () => {
    const ref = (t: string): string => {
      const bytes = new TextEncoder().encode(t);
      return rt.text(rt.exports.opa_number_ref(rt.write(bytes), bytes.length));
    };
    assert.equal(ref('42'), '42');
    assert.equal(ref('-9223372036854775809'), '-9223372036854775809');
    assert.equal(ref('3.14159265358979323846264338327950288'), '3.14159265358979323846264338327950288');
    assert.equal(ref('1e400'), '1e400');
    assert.equal(ref('abc'), 'undefined');
    assert.equal(rt.text(rt.exports.opa_number_int(-5n)), '-5');
    assert.equal(rt.text(rt.exports.opa_boolean(1)), 'true');
    assert.equal(rt.text(rt.exports.opa_null()), 'null');
  });
});
