// Fuzzing with a seeded PRNG, so every run sees the same inputs: random token soups and mutations
// of conformance modules (byte flips, truncation, splices, deep nesting, huge numbers, long
// strings). The parser may accept or reject each input but must only ever throw ParseError, and
// whatever it accepts must survive a print/re-parse round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule, parseQuery, ParseError } from '../../../src/rego/parser/index.js';
import { printModule } from '../../../src/rego/ast/printer.js';
import { corpusSample, mulberry32, mutate, pick, tokenSoup } from './fuzz-gen.js';
import { stripLocations } from './strip.js';

function check(src: string, failures: string[]): void {
  for (const parse of [() => parseModule(src, 'fuzz.rego'), () => parseQuery(src)]) {
    let parsed: unknown;
    try {
      parsed = parse();
    } catch (e) {
      if (!(e instanceof ParseError)) failures.push(`${String(e)} for ${JSON.stringify(src.slice(0, 200))}`);
      continue;
    }
    if (parsed !== null && typeof parsed === 'object' && 'package' in parsed) roundTrip(src, parsed as ReturnType<typeof parseModule>, failures);
  }
}

function roundTrip(src: string, m: ReturnType<typeof parseModule>, failures: string[]): void {
  const printed = printModule(m);
  try {
    const again = parseModule(printed, 'fuzz.rego');
    if (!isSame(m, again)) failures.push(`round trip changed the tree for ${JSON.stringify(src.slice(0, 200))}`);
  } catch (e) {
    failures.push(`printed module does not re-parse (${String(e).slice(0, 200)}) for ${JSON.stringify(src.slice(0, 200))}`);
  }
}

function isSame(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(stripLocations(a), stripLocations(b));
    return true;
  } catch {
    return false;
  }
}

test('fuzz: token soups never throw anything but ParseError', () => {
  const r = mulberry32(0xc0ffee);
  const failures: string[] = [];
  for (let i = 0; i < 2000; i++) check(tokenSoup(r), failures);
  assert.deepEqual(failures.slice(0, 5), []);
});

test('fuzz: mutated conformance modules never throw anything but ParseError', () => {
  const r = mulberry32(0x5eed);
  const corpus = corpusSample();
  assert.ok(corpus.length > 20);
  const failures: string[] = [];
  for (let i = 0; i < 1500; i++) check(mutate(r, pick(r, corpus)), failures);
  assert.deepEqual(failures.slice(0, 5), []);
});
