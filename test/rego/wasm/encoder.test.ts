import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushS32, pushS64, pushU32, readS32, readS64, readU32 } from '../../../src/rego/wasm/binary/leb128.js';
import { FuncBody } from '../../../src/rego/wasm/binary/code.js';
import { emptyModule, ExternKind, I32, internType } from '../../../src/rego/wasm/binary/module.js';
import { readModule } from '../../../src/rego/wasm/binary/reader.js';
import { writeModule } from '../../../src/rego/wasm/binary/writer.js';

function u32(v: number): number[] {
  const out: number[] = [];
  pushU32(out, v);
  return out;
}

function s32(v: number): number[] {
  const out: number[] = [];
  pushS32(out, v);
  return out;
}

test('unsigned LEB128 encodes boundary values', () => {
  assert.deepEqual(u32(0), [0x00]);
  assert.deepEqual(u32(127), [0x7f]);
  assert.deepEqual(u32(128), [0x80, 0x01]);
  assert.deepEqual(u32(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(u32(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.throws(() => u32(-1), RangeError);
  assert.throws(() => u32(2 ** 32), RangeError);
  assert.throws(() => u32(1.5), RangeError);
});

test('signed LEB128 encodes sign boundaries', () => {
  assert.deepEqual(s32(0), [0x00]);
  assert.deepEqual(s32(-1), [0x7f]);
  assert.deepEqual(s32(63), [0x3f]);
  assert.deepEqual(s32(64), [0xc0, 0x00]);
  assert.deepEqual(s32(-64), [0x40]);
  assert.deepEqual(s32(-65), [0xbf, 0x7f]);
  assert.deepEqual(s32(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(s32(-0x80000000), [0x80, 0x80, 0x80, 0x80, 0x78]);
});

test('LEB128 round-trips through the readers', () => {
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31, 0xffffffff]) {
    const bytes = Uint8Array.from(u32(v));
    assert.deepEqual(readU32(bytes, 0), { value: v, next: bytes.length });
  }
  for (const v of [0, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31)]) {
    const bytes = Uint8Array.from(s32(v));
    assert.deepEqual(readS32(bytes, 0), { value: v, next: bytes.length });
  }
  for (const v of [0n, -1n, 1n << 62n, -(1n << 63n), (1n << 63n) - 1n]) {
    const out: number[] = [];
    pushS64(out, v);
    assert.equal(readS64(Uint8Array.from(out), 0).value, v);
  }
  assert.throws(() => readU32(Uint8Array.from([0x80]), 0), RangeError);
  assert.throws(() => readU32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f]), 0), RangeError);
});

// lib is ES2023 without DOM, so the WebAssembly global is typed here, narrowly.
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => object;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function addModule(): Uint8Array {
  const m = emptyModule();
  m.imports.push({ module: 'env', name: 'memory', desc: { kind: ExternKind.Memory, limits: { min: 1 } } });
  const type = internType(m, { params: [I32, I32], results: [I32] });
  const body = new FuncBody(2);
  const tmp = body.newLocal();
  body.block();
  body.get(0).get(1).add().tee(tmp).eqz().brIf(0);
  body.get(tmp).return();
  body.end();
  body.i32(-1);
  m.funcs.push(type);
  m.code.push(body.finish());
  m.exports.push({ name: 'add', kind: ExternKind.Func, index: 0 });
  m.funcNames.set(0, 'add');
  return writeModule(m);
}

test('an emitted module validates and runs', async () => {
  const bytes = addModule();
  assert.equal(wasmApi.validate(bytes), true);
  const memory = new wasmApi.Memory({ initial: 1 });
  const { instance } = await wasmApi.instantiate(bytes, { env: { memory } });
  const add = instance.exports['add'] as (a: number, b: number) => number;
  assert.equal(add(2, 3), 5);
  assert.equal(add(2, -2), -1);
});

test('reading and rewriting a module keeps it valid and equal', () => {
  const bytes = addModule();
  const again = writeModule(readModule(bytes));
  assert.deepEqual(again, bytes);
  assert.throws(() => readModule(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), /not a Wasm binary/);
});

test('FuncBody refuses unbalanced blocks', () => {
  const body = new FuncBody(0);
  body.block();
  assert.throws(() => body.finish(), /unclosed/);
  assert.throws(() => new FuncBody(0).end(), /without open block/);
});

test('a compiled policy asks for no more memory than the SDK gives by default', async () => {
  const { generateWasm, requiredMemoryPages } = await import('../../../src/rego/wasm/index.js');
  const policy = {
    static: { strings: [{ value: 'result' }], files: [{ value: 'p.rego' }] },
    plans: {
      plans: [{
        name: 'p/allow',
        blocks: [{
          stmts: [
            { type: 'MakeObjectStmt' as const, stmt: { target: 2, file: 0, row: 1, col: 1 } },
            { type: 'ObjectInsertStmt' as const, stmt: { key: { type: 'string_index' as const, value: 0 }, value: { type: 'bool' as const, value: true }, object: 2, file: 0, row: 1, col: 1 } },
            { type: 'ResultSetAddStmt' as const, stmt: { value: 2, file: 0, row: 1, col: 1 } },
          ],
        }],
      }],
    },
  };
  const wasm = generateWasm(policy);
  assert.equal(wasmApi.validate(wasm), true);
  assert.ok(requiredMemoryPages(wasm) <= 5);
  const { loadPolicy } = await import('@open-policy-agent/opa-wasm');
  const loaded = await loadPolicy(wasm);
  assert.deepEqual(loaded.entrypoints, { 'p/allow': 0 });
  assert.deepEqual(loaded.evaluate({ any: 'input' }, 'p/allow'), [{ result: true }]);
  assert.deepEqual(loaded.evaluate(undefined), [{ result: true }]);
  assert.throws(() => loaded.evaluate(undefined, 7), /invalid entrypoint id/);
});
