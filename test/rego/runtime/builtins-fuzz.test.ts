// Every native builtin, called with random values of every type (including undefined args, huge
// numbers and odd strings), must return a value or 0 and never trap, and the heap must stay bounded.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuntime, type Runtime } from './harness.js';

let rt: Runtime;
before(async () => { rt = await loadRuntime(); });

const POOL = [
  'null', 'true', 'false', '0', '-1', '1', '2', '3.5', '-0.25', '1e400', '-1e-400', '9223372036854775807',
  '-9223372036854775808', '123456789012345678901234567890', '""', '"a"', '"."', '"*"', '"**.b"', '"{a,b}"',
  '"[!a-z]"', '"\\\\"', '"héllo wörld 😀"', '"10.0.0.0/8"', '"::1"', '"2001:db8::/32"', '"1.2.3.4"', '"aGk="',
  '"7b7d"', '"{\\"a\\":1}"', '[]', '[1, 2, 3]', '["a", "b"]', '[["1.1.1.0/24", 1]]', '{}', '{"a": 1, "b": {"c": [1]}}',
  '{1: 2}', 'set()', '{1, 2}', '{{1}, {2, 3}}', '{"a", "b"}', '[{"a": {1}}]',
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('native builtins under random arguments', () => {
  it('never trap and keep the heap bounded', () => {
    const r = prng(1234);
    const fns = Object.entries(rt.instance.exports)
      .filter(([name, f]) => name.startsWith('builtin_') && typeof f === 'function') as Array<[string, (...a: number[]) => number]>;
    assert.ok(fns.length > 70, `only ${fns.length} builtins exported`);
    const base = rt.exports.opa_heap_ptr_get();
    for (let round = 0; round < 40; round++) {
      rt.exports.opa_heap_ptr_set(base);
      const values = POOL.map((t) => rt.val(t));
      for (const [name, fn] of fns) {
        const args = Array.from({ length: fn.length }, () => (r() < 0.05 ? 0 : values[Math.floor(r() * values.length)]!));
        let result = 0;
        assert.doesNotThrow(() => { result = fn(...args); }, `${name}(${args.map((a) => rt.text(a)).join(', ')})`);
        if (result !== 0) assert.doesNotThrow(() => rt.json(result), name);
      }
    }
    assert.ok(rt.memory.buffer.byteLength <= 64 * 1024 * 1024, `memory grew to ${rt.memory.buffer.byteLength}`);
  });
});
