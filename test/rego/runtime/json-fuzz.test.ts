// Random and mutated JSON through opa_json_parse: it must never trap, must accept exactly what
// JSON.parse accepts (the SDK hands it JSON.stringify output and raw ArrayBuffers), and what it
// accepts must dump back to an equal document. Seeded, so failures reproduce.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuntime, type Runtime } from './harness.js';

let rt: Runtime;
let base = 0;
before(async () => { rt = await loadRuntime(); base = rt.exports.opa_heap_ptr_get(); });

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 7));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return r() < 0.5 ? Math.floor((r() - 0.5) * 1e6) : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    case 3: return Array.from({ length: Math.floor(r() * 6) }, () => String.fromCodePoint(Math.floor(r() ** 3 * 0x10ffff) & ~0x800 | 0x20)).join('');
    case 4: return 'k' + Math.floor(r() * 100);
    case 5: return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [String(Math.floor(r() * 20)), randomValue(r, depth + 1)]));
  }
}

function parse(text: string): number {
  rt.exports.opa_heap_ptr_set(base);
  const bytes = new TextEncoder().encode(text);
  return rt.exports.opa_json_parse(rt.write(bytes), bytes.length);
}

function jsAccepts(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

describe('opa_json_parse fuzz', () => {
  it('round trips 2000 random documents', () => {
    const r = prng(42);
    for (let i = 0; i < 2000; i++) {
      const doc = randomValue(r, 0);
      const text = JSON.stringify(doc);
      const v = parse(text);
      assert.notEqual(v, 0, text);
      assert.deepEqual(JSON.parse(rt.json(v)), JSON.parse(text), text);
    }
  });
  it('agrees with JSON.parse on 4000 mutated documents and never traps', () => {
    const r = prng(7);
    const alphabet = '{}[]":,.-+eE0123456789tfnul\\ \n\t\u0001aé😀';
    const chars = [...alphabet];
    for (let i = 0; i < 4000; i++) {
      const chars0 = [...JSON.stringify(randomValue(r, 0))];
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (chars0.length + 1));
        const c = chars[Math.floor(r() * chars.length)]!;
        const op = Math.floor(r() * 3);
        if (op === 0) chars0.splice(at, 1);
        else if (op === 1) chars0.splice(at, 0, c);
        else chars0.splice(at, 1, c);
      }
      const text = chars0.join('');
      const v = parse(text);
      assert.equal(v !== 0, jsAccepts(text), `disagreement on ${JSON.stringify(text)}`);
      if (v !== 0) assert.deepEqual(JSON.parse(rt.json(v)), JSON.parse(text), text);
    }
  });
});
