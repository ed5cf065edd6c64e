import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostBuiltins } from '../../../src/rego/builtins/host/index.js';
import { goSprintfText } from '../../../src/rego/builtins/host/gofmt.js';
import { templateString } from '../../../src/rego/builtins/host/rego-text.js';

function call(name: string, ...args: unknown[]): unknown {
  const fn = hostBuiltins()[name];
  assert.ok(fn, `host builtin ${name} exists`);
  return fn(...args);
}

function text(v: unknown): string {
  assert.ok(v instanceof ArrayBuffer);
  return new TextDecoder().decode(v);
}

test('sprintf follows Go fmt for the verbs Rego policies use', () => {
  assert.equal(goSprintfText('"%v-%s-%d"', '[1, "a", 2]'), '1-a-2');
  assert.equal(goSprintfText('"%q %x %5.2f|%-4d|"', '["hi", "hi", 3.14159, 7]'), '"hi" 6869  3.14|7   |');
  assert.equal(goSprintfText('"%v %v"', '[{1, 2}, {"k": [true, null]}]'), '{1, 2} {"k": [true, null]}');
  assert.equal(goSprintfText('"%s"', '[1]'), '%!s(int=1)');
  assert.equal(goSprintfText('"%d"', '[123456789123456789123]'), '123456789123456789123');
  assert.equal(goSprintfText('"%d %d"', '[1]'), '1 %!d(MISSING)');
});

test('template strings print strings raw, other values as Rego terms, undefined marked', () => {
  assert.equal(templateString('["a=", {1}, ", s=", {set()}, ", u=", set(), ", x=", {"y"}]'), 'a=1, s=set(), u=<undefined>, x=y');
});

test('time.now_ns is constant within one synchronous evaluation and moves on after it', async () => {
  let clock = 1_000n;
  const now = hostBuiltins({ nowNs: () => clock++ })['time.now_ns'];
  assert.ok(now);
  const a = text(now());
  const b = text(now());
  assert.equal(a, b);
  await Promise.resolve();
  assert.notEqual(text(now()), a);
});

test('failing host builtins are undefined, not exceptions', () => {
  assert.equal(call('regex.match', '(', 'x'), undefined);
  assert.equal(call('net.cidr_intersects', 'nonsense', '10.0.0.0/8'), undefined);
  assert.equal(call('regex.match', '^a+$', 'aaa'), true);
  assert.equal(call('net.cidr_intersects', '10.0.0.0/8', '10.1.0.0/16'), true);
});

test('units and bits keep integers exact', () => {
  assert.equal(text(call('units.parse_bytes', '10KiB')), '10240');
  assert.equal(text(call('units.parse', '1.5K')), '1500');
  assert.equal(text(call('units.parse', '100m')), '0.1');
  assert.equal(call('bits.lsh', 1, 3), 8);
});

test('regex.globs_match: do two glob-style patterns share a matching string', () => {
  assert.equal(call('regex.globs_match', 'a.a.[0-9]+z', '.b.b2359825792*594823z'), true);
  assert.equal(call('regex.globs_match', '[a-z]*', '[0-9]*'), true, 'both match the empty string');
  assert.equal(call('regex.globs_match', '[a-z]+', '[0-9]*'), false);
  assert.equal(call('regex.globs_match', 'x?y.', 'y[^a-c]'), true);
  assert.equal(call('regex.globs_match', '[^a]', 'a'), false);
  assert.equal(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]'), true);
  assert.equal(call('regex.globs_match', 'pqrs]', '[a-b]+'), undefined, 'a stray ] is an error');
});

test('json.patch works on Rego text: set members are addressed and added by value, sets survive', () => {
  const patch = (doc: string, ops: string): unknown => call('json.patch', doc, ops);
  assert.equal(patch('{"foo": {"a", "b", "c"}}', '[{"op": "remove", "path": "foo/b"}]'), '{"foo": {"a", "c"}}');
  assert.equal(patch('{"foo": {"a"}}', '[{"op": "add", "path": "/foo/d", "value": "d"}]'), '{"foo": {"a", "d"}}');
  assert.equal(patch('{"foo": {"a"}}', '[{"op": "add", "path": "/foo/d", "value": "e"}]'), undefined);
  assert.equal(patch('{[1]}', '[{"op": "add", "path": [[1], 1], "value": 2}]'), '{[1, 2]}');
  assert.equal(patch('{"a": [1]}', '[{"op": "replace", "path": "/a/0", "value": 5}]'), '{"a": [5]}');
  assert.equal(patch('{"a": set()}', '[{"op": "remove", "path": "/b"}]'), undefined);
});

test('providers.aws.sign_req keeps a set body a set and signs a content hash the request already has', () => {
  const cfg = '{"aws_access_key": "AK", "aws_secret_access_key": "SK", "aws_service": "s3", "aws_region": "us-east-1"}';
  const sign = (req: string): string => call('providers.aws.sign_req', req, cfg, '1451311705000000000') as string;
  const plain = sign('{"method": "get", "url": "https://example.com", "body": {"b": {1, 2}}}');
  assert.match(plain, /"body": \{"b": \{1, 2\}\}/);
  assert.match(plain, /"x-amz-date": "20151228T140825Z"/);
  const withSha = sign('{"method": "get", "url": "https://example.com", "headers": {"x-amz-content-sha256": "given"}, "body": {"b": {1, 2}}}');
  const sig = (s: string): string => /Signature=([0-9a-f]+)/.exec(s)?.[1] ?? '';
  assert.notEqual(sig(withSha), sig(plain), 'the existing header value is what gets signed');
  assert.equal(/"x-amz-content-sha256": "([^"]+)"/.exec(withSha)?.[1], /"x-amz-content-sha256": "([^"]+)"/.exec(plain)?.[1]);
});

test('strings.replace_n rejects non-string pattern keys (arguments as Rego text)', () => {
  assert.equal(call('strings.replace_n', '{"a": "b", "c": "d"}', '"ac"'), 'bd');
  assert.equal(call('strings.replace_n', '{2: "x"}', '"foo"'), undefined);
  assert.equal(call('strings.replace_n', '{"f": 100}', '"foo"'), undefined);
});

test('time.diff normalises like Go and borrows the earlier month length', () => {
  const ns = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString();
  assert.deepEqual(call('time.diff', ns('2020-02-02T00:00:00Z'), ns('2020-03-01T00:00:00Z')), [0, 0, 28, 0, 0, 0]);
  assert.deepEqual(call('time.diff', ns('2021-03-01T00:00:00Z'), ns('2021-02-02T00:00:00Z')), [0, 0, 27, 0, 0, 0]);
  assert.deepEqual(call('time.diff', `[${ns('2004-02-29T00:00:00Z')}, "UTC"]`, ns('2005-03-01T00:01:01Z')), [1, 0, 1, 0, 1, 1]);
});

test('time.parse_ns accepts a fractional second the layout does not show, up to int64 bounds', () => {
  assert.equal(text(call('time.parse_ns', '2006-01-02T15:04:05Z07:00', '1677-09-21T00:12:43.145224192-00:00')), '-9223372036854775808');
  assert.equal(call('time.parse_ns', '2006-01-02T15:04:05Z07:00', '1677-09-21T00:12:43.145224191-00:00'), undefined);
});

test('graph.reachable_paths shares what it reached across paths, as OPA does', () => {
  const graph = { one: ['two', 'five'], two: ['four'], three: [''], four: ['three'], five: ['seven', 'six'], six: ['nine', 'seven'], seven: ['eight'], eight: ['three'], nine: [''] };
  assert.deepEqual(call('graph.reachable_paths', graph, ['one']), [
    ['one', 'five', 'seven', 'eight', 'three'],
    ['one', 'five', 'six'],
    ['one', 'five', 'six', 'nine'],
    ['one', 'two', 'four', 'three'],
  ]);
});

test('strings.render_template renders fields, ranges and conditions; missing keys are marked', () => {
  const render = (t: string, v: unknown): unknown => call('strings.render_template', t, v);
  assert.equal(render('{{.a.b}}/{{.n}}', { a: { b: 'x' }, n: 2023 }), 'x/2023');
  assert.equal(render('{{range $i, $n := .names}}{{if $i}},{{end}}hi {{$n}}{{end}}', { names: ['a', 'b'] }), 'hi a,hi b');
  assert.equal(render('{{if .f}}yes{{else}}no{{end}} {{.missing}}', { f: false }), 'no <undefined>');
  assert.equal(render('{{if .x}}', {}), undefined, 'an unterminated block is an error');
});

test('json.match_schema reports each violation; json.verify_schema rejects unknown types', () => {
  const schema = { properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['id'] };
  assert.deepEqual(call('json.match_schema', { id: 5, tags: ['a'] }, schema), [true, []]);
  assert.deepEqual(call('json.match_schema', '{"tags": ["a", 1]}', JSON.stringify(schema)), [
    false,
    [
      { error: '(root): id is required', type: 'required', field: '(root)', desc: 'id is required' },
      { error: 'tags.1: Invalid type. Expected: string, given: integer', type: 'invalid_type', field: 'tags.1', desc: 'Invalid type. Expected: string, given: integer' },
    ],
  ]);
  assert.deepEqual(call('json.verify_schema', { type: 'boolean' }), [true, null]);
  const bad = call('json.verify_schema', '{"type": "unknown"}') as [boolean, string];
  assert.equal(bad[0], false);
  assert.match(bad[1], /NOT VALID -- given: \/unknown\//);
  assert.equal(call('json.match_schema', {}, { type: 'unknown' }), undefined);
});

test('graphql builtins accept AST objects, extensions of undefined types and empty queries', () => {
  const schema = 'type Employee { id: String! salary: Int! }\nschema { query: Query }\ntype Query { employeeByID(id: String): Employee }';
  const schemaAst = call('graphql.parse_schema', schema);
  const queryAst = call('graphql.parse_query', 'query { employeeByID(id: "alice") { salary } }');
  assert.equal(call('graphql.is_valid', queryAst, schemaAst), true);
  assert.equal(call('graphql.is_valid', call('graphql.parse_query', '{ employeeByID { nope } }'), schemaAst), false);
  const federated = 'extend type User { id: ID! }\nunion _Entity = User\nextend type Query { entity: _Entity }';
  assert.equal(call('graphql.is_valid', '{ entity { ... on User { id } } }', federated), true);
  assert.deepEqual(call('graphql.parse_schema', 'extend type Hello { world: String }'), {
    Extensions: [{ BuiltIn: false, Description: '', Fields: [{ Description: '', Name: 'world', Type: { NamedType: 'String', NonNull: false } }], Kind: 'OBJECT', Name: 'Hello' }],
  });
  assert.equal(call('graphql.is_valid', '# nothing', 'type T { f: String }'), true);
  assert.equal(call('graphql.schema_is_valid', 'interface IA { id: ID! }\ninterface IIA implements IA { id: ID! }\ntype A implements IIA { id: ID! }'), false);
});

test('net.lookup_ip_addr answers for IP literals only: policies never query DNS', () => {
  assert.deepEqual(call('net.lookup_ip_addr', '10.0.0.1'), ['10.0.0.1']);
  assert.deepEqual(call('net.lookup_ip_addr', '::1'), ['::1']);
  assert.equal(call('net.lookup_ip_addr', 'localhost'), undefined);
});

test('rego.parse_module returns the module as OPA-shaped JSON; a syntax error is undefined', () => {
  const m = call('rego.parse_module', 'x.rego', 'package foo.bar\n\nimport data.a\n\np if { a = true }') as {
    package: { path: { type: string; value: string }[] };
    imports: { path: { type: string } }[];
    rules: { head: { name: string } }[];
  };
  assert.deepEqual(m.package.path, [{ type: 'var', value: 'data' }, { type: 'string', value: 'foo' }, { type: 'string', value: 'bar' }]);
  assert.equal(m.imports[0]?.path.type, 'ref');
  assert.equal(m.rules[0]?.head.name, 'p');
  assert.equal(call('rego.parse_module', 'x.rego', 'package foo.'), undefined);
});
