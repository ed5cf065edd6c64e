import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuntime, type Runtime } from './harness.js';

let rt: Runtime;
before(async () => { rt = await loadRuntime(); });

type Case = readonly [string, readonly string[], string];

const cases: Case[] = [
  ['json.marshal', ['{"b": [1, {2}], "a": "x\\"y"}'], '"{\\"a\\":\\"x\\\\\\"y\\",\\"b\\":[1,[2]]}"'],
  ['json.unmarshal', ['"{\\"b\\":1,\\"a\\":[true,null]}"'], '{"a":[true,null],"b":1}'],
  ['json.unmarshal', ['"{bad"'], 'undefined'],
  ['json.is_valid', ['"[1, 2]"'], 'true'],
  ['json.is_valid', ['"[1, 2"'], 'false'],
  ['base64.encode', ['"hello"'], '"aGVsbG8="'],
  ['base64.encode', ['""'], '""'],
  ['base64.encode', ['"é?>"'], '"w6k/Pg=="'],
  ['base64.decode', ['"aGVsbG8="'], '"hello"'],
  ['base64.decode', ['"aGVsbG8"'], 'undefined'],
  ['base64.decode', ['"a$=="'], 'undefined'],
  ['base64.is_valid', ['"aGk="'], 'true'],
  ['base64.is_valid', ['"aGk"'], 'false'],
  ['base64url.encode', ['"é?>"'], '"w6k_Pg=="'],
  ['base64url.encode_no_pad', ['"é?>"'], '"w6k_Pg"'],
  ['base64url.decode', ['"w6k_Pg"'], '"é?>"'],
  ['base64url.decode', ['"w6k_Pg=="'], '"é?>"'],
  ['hex.encode', ['"hi!"'], '"686921"'],
  ['hex.decode', ['"686921"'], '"hi!"'],
  ['hex.decode', ['"6869z1"'], 'undefined'],
  ['object.union', ['{"a": {"x": 1, "y": 1}, "b": 1}', '{"a": {"y": 2}, "c": 3}'], '{"a":{"x":1,"y":2},"b":1,"c":3}'],
  ['object.union', ['{"a": {"x": 1}}', '{"a": 5}'], '{"a":5}'],
  ['object.remove', ['{"a": 1, "b": 2, "c": 3}', '["a", "c"]'], '{"b":2}'],
  ['object.remove', ['{"a": 1, "b": 2}', '{"b"}'], '{"a":1}'],
  ['object.remove', ['{"a": 1, "b": 2}', '{"a": 0}'], '{"b":2}'],
  ['object.filter', ['{"a": 1, "b": 2, "c": 3}', '["a", "c", "z"]'], '{"a":1,"c":3}'],
  ['array.reverse', ['[1, "a", [2]]'], '[[2],"a",1]'],
  ['numbers.range', ['1', '4'], '[1,2,3,4]'],
  ['numbers.range', ['2', '-1'], '[2,1,0,-1]'],
  ['numbers.range', ['1.5', '4'], 'undefined'],
  ['numbers.range', ['0', '100000000'], 'undefined'],
  ['strings.count', ['"cheese"', '"e"'], '3'],
  ['strings.count', ['"aaaa"', '"aa"'], '2'],
  ['strings.count', ['"héllo"', '""'], '6'],
  ['indexof', ['"abc"', '""'], 'undefined'],
  ['walk', ['{"a": [1, {2}]}'], '[[[],{"a":[1,{2}]}],[["a"],[1,{2}]],[["a",0],1],[["a",1],{2}],[["a",1,2],2]]'],
  ['walk', ['1'], '[[[],1]]'],
  ['net.cidr_contains_matches', ['"10.0.0.0/8"', '"10.1.1.1"'], '{["10.0.0.0/8","10.1.1.1"]}'],
  ['net.cidr_contains_matches', ['{"1.1.1.0/24", "1.1.2.0/24"}', '{"1.1.1.1", "1.1.2.1", "9.9.9.9"}'], '{["1.1.1.0/24","1.1.1.1"],["1.1.2.0/24","1.1.2.1"]}'],
  ['net.cidr_contains_matches', ['[["1.1.1.0/24", "x"]]', '{"k": ["1.1.1.7", 1], "j": "2.2.2.2"}'], '{[0,"k"]}'],
  ['net.cidr_contains_matches', ['["bad"]', '"1.1.1.1"'], 'undefined'],
  ['net.cidr_contains_matches', ['[1]', '"1.1.1.1"'], 'undefined'],
  ['mul', ['1e999999999', '1e999999999'], 'undefined'],
  ['div', ['1e-999999999', '1e999999999'], 'undefined'],
  ['lt', ['1e99999999999', '2e99999999999'], 'true'],
  ['glob.match', [`"${'*'.repeat(3)}{${'a,'.repeat(20)}b}{${'a,'.repeat(20)}b}{${'a,'.repeat(20)}b}x"`, '[]', `"${'a'.repeat(50)}"`], 'undefined'],
];

describe('encoding, json, object and range builtins; limits', () => {
  for (const [name, args, want] of cases) {
    it(`${name}(${args.join(', ')}) = ${want}`, () => { assert.equal(rt.call(name, ...args), want); });
  }
  it('prints print() arguments through opa_println, undefined ones as <undefined>', () => {
    rt.printed.length = 0;
    assert.equal(rt.call('internal.print', '[{"hello"}, {1}, set(), {{"a": {2}}}]'), 'true');
    assert.deepEqual(rt.printed, ['hello 1 <undefined> {"a":{2}}']);
  });
  it('keeps a bounded glob explosion from growing memory', () => {
    const before = rt.memory.buffer.byteLength;
    for (let i = 0; i < 5; i++) rt.call('glob.match', `"{${'a,'.repeat(60)}b}{${'a,'.repeat(60)}b}*"`, '[]', `"${'a'.repeat(2000)}c"`);
    assert.ok(rt.memory.buffer.byteLength - before <= 64 * 65536);
  });
});
