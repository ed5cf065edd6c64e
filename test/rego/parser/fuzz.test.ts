// Fuzzing with a seeded PRNG, so every run sees the same inputs: random token soups and mutations
// of conformance modules (byte flips, truncation, splices, deep nesting, huge numbers, long
// strings). The parser may accept or reject each input but must only ever throw ParseError, and
// whatever it accepts must survive a print/re-parse round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseModule, parseQuery, ParseError } from '../../../src/rego/parser/index.js';
import { printModule } from '../../../src/rego/ast/printer.js';
import { casesDir } from './fixtures.js';
import { stripLocations } from './strip.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  'package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'null', 'true', 'false', 'in',
  'every', 'contains', 'if', 'x', 'y', '_', 'input', 'data', 'f', 'count', 'p', 'q.r', '[', ']', '{', '}',
  '(', ')', ',', ':', ':=', '=', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&', '|', ';',
  '.', '"s"', '`raw`', '"\\u00e9"', '1', '-1', '.5', '1e5', '0', '#c', '\n', '\n', '$', '!', '"', '`',
  '\u00e9', '\u0000', '\ud83d\ude00', '\r\n', '\t',
];

/** A sample of conformance modules, every few files so the set stays small and deterministic. */
function corpusSample(): string[] {
  const root = casesDir();
  const out: string[] = [];
  let n = 0;
  for (const folder of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, folder)).sort()) {
      if (n++ % 25 !== 0) continue;
      const doc = parseYaml(readFileSync(join(root, folder, file), 'utf8')) as { cases?: { modules?: unknown[] }[] };
      for (const c of doc.cases ?? []) for (const m of c.modules ?? []) if (typeof m === 'string') out.push(m);
    }
  }
  return out;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

function tokenSoup(r: Rand): string {
  const parts = r() < 0.7 ? ['package fuzz\n'] : [];
  const n = 1 + int(r, 60);
  for (let i = 0; i < n; i++) parts.push(pick(r, VOCAB), r() < 0.5 ? ' ' : '');
  return parts.join('');
}

const MUTATIONS: ((r: Rand, s: string) => string)[] = [
  (r, s) => {
    const i = int(r, s.length + 1);
    return s.slice(0, i) + pick(r, VOCAB) + s.slice(i + 1);
  },
  (r, s) => s.slice(0, int(r, s.length + 1)),
  (r, s) => {
    const i = int(r, s.length + 1);
    const j = int(r, s.length + 1);
    return s.slice(0, Math.min(i, j)) + s.slice(Math.max(i, j));
  },
  (r, s) => {
    const i = int(r, s.length + 1);
    const j = int(r, s.length + 1);
    return s.slice(0, i) + s.slice(Math.min(i, j), Math.max(i, j)) + s.slice(i);
  },
  (r, s) => {
    const i = int(r, s.length + 1);
    const open = pick(r, ['[', '{', '(', 'a[', 'f(', '[x | ', 'not ', '-']);
    return s.slice(0, i) + open.repeat(200 + int(r, 400)) + s.slice(i);
  },
  (r, s) => {
    const i = int(r, s.length + 1);
    const big = pick(r, ['9'.repeat(5000), `1e${'9'.repeat(30)}`, '0.' + '0'.repeat(40000) + '1', '1e-99999']);
    return `${s.slice(0, i)} ${big} ${s.slice(i)}`;
  },
  (r, s) => {
    const i = int(r, s.length + 1);
    const str = pick(r, [`"${'a'.repeat(100_000)}"`, `\`${'\n'.repeat(1000)}\``, `"${'\\u0041'.repeat(5000)}"`]);
    return s.slice(0, i) + str + s.slice(i);
  },
  (r, s) => {
    const i = int(r, s.length + 1);
    const chain = Array.from({ length: 300 + int(r, 300) }, () => pick(r, ['1', 'x', 'a.b'])).join(pick(r, [' + ', ' in ', ' == ', ' | ']));
    return `${s.slice(0, i)} ${chain} ${s.slice(i)}`;
  },
];

function mutate(r: Rand, s: string): string {
  let out = s;
  const rounds = 1 + int(r, 3);
  for (let i = 0; i < rounds; i++) out = pick(r, MUTATIONS)(r, out);
  return out;
}

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
