// The printer's output re-parses to the same tree (locations aside), on hand-written rules and on
// every conformance module, and reads as canonical Rego.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule, parseQuery } from '../../../src/rego/parser/index.js';
import { printModule, printQuery } from '../../../src/rego/ast/printer.js';
import { loadCases } from '../parser/fixtures.js';
import { stripLocations } from '../parser/strip.js';

const EXACT: [source: string, printed: string][] = [
  ['default allow := false', 'default allow := false'],
  ['allow if input.x', 'allow if {\n\tinput.x\n}'],
  ['p contains x if { some x in xs }', 'p contains x if {\n\tsome x in xs\n}'],
  ['p contains "a"', 'p contains "a"'],
  ['q[k] = v if { some k, v in o }', 'q[k] = v if {\n\tsome k, v in o\n}'],
  ['a.b["c d"] := 1', 'a.b["c d"] := 1'],
  ['f(x, _) := (x + 1) * 2', 'f(x, _) := (x + 1) * 2'],
  ['f(x) := 1 if x > 0 else := 2', 'f(x) := 1 if {\n\tx > 0\n} else := 2'],
  ['p if { every k, v in o { v != k } }', 'p if {\n\tevery k, v in o {\n\t\tv != k\n\t}\n}'],
  ['p if { not q with input.a as {"b": [1, set()]} }', 'p if {\n\tnot q with input.a as {"b": [1, set()]}\n}'],
  ['s := {x | x := [1, 2][_]; x > 1}', 's := {x | x := [1, 2][_]; x > 1}'],
];

for (const [source, printed] of EXACT) {
  test(`print ${JSON.stringify(source)}`, () => {
    const m = parseModule(`package t\n\n${source}\n`, 't.rego');
    assert.equal(printModule(m), `package t\n\n${printed}\n`);
  });
}

test('queries print one expression per line', () => {
  assert.equal(printQuery(parseQuery('x := 1; y in [x]; k, v in o')), 'x := 1\ny in [x]\n(k, v in o)');
});

test('every conformance module survives a print/re-parse round trip', () => {
  let checked = 0;
  const failures: string[] = [];
  for (const c of loadCases()) {
    for (const text of c.modules) {
      let original;
      try {
        original = parseModule(text, 'case.rego');
      } catch {
        continue; // unsupported syntax; the corpus test accounts for these
      }
      checked++;
      const printed = printModule(original);
      try {
        assert.deepStrictEqual(stripLocations(parseModule(printed, 'case.rego')), stripLocations(original));
      } catch (e) {
        failures.push(`${c.note}: ${String(e).slice(0, 300)}\n${printed}`);
      }
    }
  }
  assert.ok(checked > 2400, `round-tripped ${checked} modules`);
  assert.deepEqual(failures.slice(0, 3), []);
});
