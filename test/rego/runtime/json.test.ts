import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuntime, type Runtime } from './harness.js';

let rt: Runtime;
before(async () => { rt = await loadRuntime(); });

function parse(text: string): number {
  const bytes = new TextEncoder().encode(text);
  return rt.exports.opa_json_parse(rt.write(bytes), bytes.length);
}

describe('opa_json_parse / opa_json_dump', () => {
  const roundTrips: Array<[string, string]> = [
    ['null', 'null'],
    ['true', 'true'],
    [' false ', 'false'],
    ['0', '0'],
    ['-12', '-12'],
    ['9223372036854775807', '9223372036854775807'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['9223372036854775808', '9223372036854775808'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['1.5e300', '1.5e300'],
    ['0.1', '0.1'],
    ['"a\\"b\\\\c\\/d"', '"a\\"b\\\\c/d"'],
    ['"\\b\\f\\n\\r\\t"', '"\\b\\f\\n\\r\\t"'],
    ['"\\u0001\\u001f"', '"\\u0001\\u001f"'],
    ['"\\u00e9\\u4e2d"', '"é中"'],
    ['"\\ud83d\\ude00"', '"😀"'],
    ['"\\ud83d"', '"\uFFFD"'],
    ['"é😀"', '"é😀"'],
    ['[]', '[]'],
    ['{}', '{}'],
    ['[1,[2,[3]],{"a":[]}]', '[1,[2,[3]],{"a":[]}]'],
    ['{"b":1,"a":2,"c":{"z":0,"y":1}}', '{"a":2,"b":1,"c":{"y":1,"z":0}}'],
    ['{"a":1,"a":2}', '{"a":2}'],
  ];
  for (const [input, want] of roundTrips) {
    it(`round trips ${input}`, () => {
      const v = parse(input);
      assert.notEqual(v, 0);
      assert.equal(rt.json(v), want);
    });
  }

  const invalid = ['', ' ', '[1,]', '{"a"}', '{"a":1,}', '01', '1.', '.5', '-', '"abc', '"\\x"', 'tru',
    'nul', '[1] 2', '{1:2}', '"a\nb"', 'set()', '{1,2}', '"\\u12g4"', '1e', '+1'];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => { assert.equal(parse(input), 0); });
  }

  it('rejects documents nested deeper than the limit instead of overflowing the stack', () => {
    assert.equal(parse('['.repeat(5000) + ']'.repeat(5000)), 0);
    assert.notEqual(parse('['.repeat(500) + ']'.repeat(500)), 0);
  });

  it('round trips a large document through JSON.parse exactly', () => {
    const doc = { headers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${(i * 7919) % 200}`, `v${i}\u00e9"\\`])), n: [1, -2, 3.25, 1e21], t: true };
    const v = parse(JSON.stringify(doc));
    assert.deepEqual(JSON.parse(rt.json(v)), doc);
  });

  it('stringifies non-string object keys and dumps sets as arrays', () => {
    assert.equal(rt.json(rt.val('{1: "a", [1,"x"]: 2, {"k": 1}: 3, "s": {3,1,2}}')),
      '{"1":"a","s":[1,2,3],"[1,\\"x\\"]":2,"{\\"k\\":1}":3}');
  });
});

describe('opa_value_parse / opa_value_dump', () => {
  const cases: Array<[string, string]> = [
    ['{3, 1, 2, 1}', '{1,2,3}'],
    ['set()', 'set()'],
    ['{}', '{}'],
    ['{"a": {1}}', '{"a":{1}}'],
    ['{[1]: 2}', '{[1]:2}'],
    ['{{1}, {"x": 1}, set()}', '{{"x":1},set(),{1}}'],
  ];
  for (const [input, want] of cases) {
    it(`parses ${input}`, () => { assert.equal(rt.text(rt.val(input)), want); });
  }
});
