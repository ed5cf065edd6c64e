// Hostile input for the whole front end: mutated conformance modules must compile or fail with
// a CompileError (never another exception), and each compile finishes (bounded loop, fixed seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileModules, CompileError } from '../../src/rego/compile.js';
import { conformanceDir } from './interp/plans-harness.js';

function corpus(): string[] {
  const root = join(conformanceDir(), 'cases');
  const out: string[] = [];
  for (const d of ['completedoc', 'partialobjectdoc', 'every', 'withkeyword', 'comprehensions', 'refheads', 'functions']) {
    for (const f of readdirSync(join(root, d))) {
      const doc = parse(readFileSync(join(root, d, f), 'utf8')) as { cases?: { modules?: string[] }[] };
      for (const c of doc.cases ?? []) out.push(...(c.modules ?? []));
    }
  }
  return out;
}

const SNIPPETS = ['[', ']', '{', '}', 'x', ' := ', ' = ', 'not ', ' with input as 1', 'some x in ', '.', '_', '(', ')', 'every y in z { y }'];

test('mutated modules compile or raise CompileError', () => {
  const mods = corpus();
  assert.ok(mods.length > 50);
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 600; i++) {
    let m = mods[rnd(mods.length)] as string;
    for (let j = 0; j <= rnd(3); j++) {
      const p = rnd(m.length + 1);
      const r = rnd(3);
      if (r === 0) m = m.slice(0, p) + m.slice(p + 1 + rnd(5));
      else if (r === 1) m = m.slice(0, p) + (SNIPPETS[rnd(SNIPPETS.length)] as string) + m.slice(p);
      else {
        const q = rnd(m.length + 1);
        m = m.slice(0, p) + m.slice(q, q + rnd(20)) + m.slice(p);
      }
    }
    try {
      compileModules([{ file: 'f.rego', text: m }], { query: 'x = 1' });
    } catch (e) {
      assert.ok(e instanceof CompileError, `non-CompileError for:\n${m}\n${String(e)}`);
    }
  }
});
