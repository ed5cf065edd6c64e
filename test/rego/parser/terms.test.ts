// Terms and operators, read through parseQuery and rendered location-free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../src/rego/parser/index.js';
import { bodySexp } from './sexp.js';

const TABLE: [source: string, want: string][] = [
  // scalars
  ['null', 'null'],
  ['true', 'true'],
  ['false', 'false'],
  ['0', '#0'],
  ['-1', '#-1'],
  ['1.5e3', '#1.5e3'],
  ['.5', '#0.5'],
  ['-.5', '#-0.5'],
  ['123456789012345678901234567890', '#123456789012345678901234567890'],
  ['1e400', '#1e400'],
  ['0e5', '#0e5'],
  ['"a\\tb\\u00e9\\"\\\\"', JSON.stringify('a\tb\u00e9"\\')],
  ['`raw\\n`', JSON.stringify('raw\\n')],
  ['"tab\there"', JSON.stringify('tab\there')],
  // vars and refs
  ['x', 'x'],
  ['_', '$0'],
  ['[_, _]', '[$0 $1]'],
  ['input', 'ref(input)'],
  ['data', 'ref(data)'],
  ['input.a["b"][x]', 'ref(input "a" "b" x)'],
  ['data.foo.in.else', 'ref(data "foo" "in" "else")'],
  ['a[b[c]]', 'ref(a ref(b c))'],
  ['[1, 2][0]', 'ref([#1 #2] #0)'],
  ['{"a": 1}.a', 'ref(obj("a":#1) "a")'],
  ['f(x).y[0]', 'ref(f(x) "y" #0)'],
  ['(a.b)[c]', 'ref(a "b" c)'],
  ['else.foo', 'ref(else "foo")'],
  ['true.foo', 'ref(true "foo")'],
  // calls
  ['count(x)', 'count(x)'],
  ['a.b.c(1, 2,)', 'a.b.c(#1 #2)'],
  ['contains("ab", "a")', 'contains("ab" "a")'],
  ['set()', 'set()'],
  ['f()', 'f()'],
  ['f(g(x), [y])', 'f(g(x) [y])'],
  // collections
  ['[]', '[]'],
  ['{}', 'obj()'],
  ['{1}', 'set(#1)'],
  ['{1, 2,}', 'set(#1 #2)'],
  ['{"a": 1, "b": [2]}', 'obj("a":#1 "b":[#2])'],
  ['{1 + 2: 3}', 'obj(plus(#1 #2):#3)'],
  ['[1, x + 1]', '[#1 plus(x #1)]'],
  ['[x in xs]', '[internal.member_2(x xs)]'],
  ['{x | y}', 'scomp(x | y)'],
  ['{1 + 2 | x}', 'set(or(plus(#1 #2) x))'],
  // comprehensions
  ['[x | x := xs[_]]', 'acomp(x | assign(x ref(xs $0)))'],
  ['{x | some x in xs; x > 1}', 'scomp(x | some-in(x xs); gt(x #1))'],
  ['{k: v | v := o[k]}', 'ocomp(k:v | assign(v ref(o k)))'],
  ['[x | x := 1\n y := 2]', 'acomp(x | assign(x #1); assign(y #2))'],
  // operators and precedence
  ['1 + 2 * 3', 'plus(#1 mul(#2 #3))'],
  ['(1 + 2) * 3', 'mul(plus(#1 #2) #3)'],
  ['1 - 2 - 3', 'minus(minus(#1 #2) #3)'],
  ['x-1', 'minus(x #1)'],
  ['x - -1', 'minus(x #-1)'],
  ['a / b % c', 'rem(div(a b) c)'],
  ['a | b & c', 'or(a and(b c))'],
  ['a == b + 1', 'equal(a plus(b #1))'],
  ['a != b', 'neq(a b)'],
  ['a < b; a <= b; a > b; a >= b', 'lt(a b); lte(a b); gt(a b); gte(a b)'],
  ['a == b == c', 'equal(equal(a b) c)'],
  ['x in xs', 'internal.member_2(x xs)'],
  ['k, v in xs', 'internal.member_3(k v xs)'],
  ['x in xs in ys', 'internal.member_2(internal.member_2(x xs) ys)'],
  ['x == 1 in s', 'internal.member_2(equal(x #1) s)'],
  ['x := 1 + 2', 'assign(x plus(#1 #2))'],
  ['[a, b] = [1, 2]', 'eq([a b] [#1 #2])'],
  ['x := y in z', 'assign(x internal.member_2(y z))'],
  ['a +\n b', 'plus(a b)'],
  ['a\n + b', 'plus(a b)'],
];

for (const [source, want] of TABLE) {
  test(`term ${JSON.stringify(source)}`, () => {
    assert.equal(bodySexp(parseQuery(source)), want);
  });
}

test('locations carry file, row, col and the exact source text', () => {
  const [expr] = parseQuery('x := f(a,\n  b)', { file: 'q.rego' });
  assert.ok(expr !== undefined && expr.terms.kind === 'call');
  assert.deepEqual(expr.location, { file: 'q.rego', row: 1, col: 1, text: 'x := f(a,\n  b)' });
  const call = expr.terms.args[1];
  assert.equal(call?.location.text, 'f(a,\n  b)');
  const b = call?.type === 'call' ? call.args[1] : undefined;
  assert.deepEqual(b?.location, { file: 'q.rego', row: 2, col: 3, text: 'b' });
});

test('wildcards are numbered per parse in source order', () => {
  assert.equal(bodySexp(parseQuery('a[_] = b[_]; _ = 1')), 'eq(ref(a $0) ref(b $1)); eq($2 #1)');
});
