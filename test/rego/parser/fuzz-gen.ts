// Deterministic input generators for the parser fuzz test: a seeded PRNG, random token soups,
// and mutations of conformance modules (byte flips, truncation, splices, deep nesting, huge
// numbers, long strings, long operator chains).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { casesDir } from './fixtures.js';

export function mulberry32(seed: number): () => number {
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
export function corpusSample(): string[] {
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

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

export function tokenSoup(r: Rand): string {
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

export function mutate(r: Rand, s: string): string {
  let out = s;
  const rounds = 1 + int(r, 3);
  for (let i = 0; i < rounds; i++) out = pick(r, MUTATIONS)(r, out);
  return out;
}

