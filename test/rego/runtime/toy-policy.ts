// A hand-assembled toy policy linked into the runtime by MiniLinker, standing in for generated code.
// Policy: result = {"allow": input.user == "alice", "shout": custom.shout(input.user)}.
import { readFileSync } from 'node:fs';
import { runtimePath } from './harness.js';
import { MiniLinker } from './mini-linker.js';
import { I32, OP, body, funcType, sleb } from './wasm-bytes.js';

const IF_VOID = [0x04, 0x40];
const I32_NE = 0x47;

/** Static data: texts, then 16-byte string value headers laid out as API.md section 2 describes. */
function staticData(at: number): { bytes: Uint8Array; addr: Map<string, number>; end: number } {
  const enc = new TextEncoder();
  const texts: Array<[string, string]> = [
    ['ep', '{"example/allow":0}'], ['bi', '{"custom.shout":0}'], ['abort', 'invalid entrypoint id\0'],
    ['user', 'user'], ['alice', 'alice'], ['allow', 'allow'], ['shout', 'shout'], ['result', 'result'],
  ];
  const buf: number[] = [];
  const addr = new Map<string, number>();
  const lens = new Map<string, number>();
  const pad = (): void => { while ((at + buf.length) % 8 !== 0) buf.push(0); };
  for (const [key, text] of texts) {
    addr.set(key, at + buf.length);
    const b = enc.encode(text);
    lens.set(key, b.length);
    buf.push(...b);
    pad();
  }
  for (const key of ['user', 'alice', 'allow', 'shout', 'result']) {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    view.setUint8(0, 4);
    view.setUint32(4, lens.get(key)!, true);
    view.setUint32(8, addr.get(key)!, true);
    addr.set(`${key}V`, at + buf.length);
    buf.push(...header);
  }
  addr.set('epLen', lens.get('ep')!);
  addr.set('biLen', lens.get('bi')!);
  return { bytes: new Uint8Array(buf), addr, end: at + buf.length };
}

export function linkToyPolicy(): Uint8Array {
  const lk = new MiniLinker(new Uint8Array(readFileSync(runtimePath())));
  const at = (lk.dataEnd + 7) & ~7;
  const { bytes, addr, end } = staticData(at);
  const a = (k: string): number[] => [OP.i32Const, ...sleb(addr.get(k)!)];
  const call = (fn: string): number[] => [OP.call, ...sleb(lk.runtimeFunc(fn))];
  const tI = lk.addType(funcType([I32], [I32]));
  const tV = lk.addType(funcType([], [I32]));
  // eval(ctx): locals 1 = input.user, 2 = result object, 3 = binding object
  const evalIdx = lk.addFunction(tI, body(3, [
    OP.localGet, 0, OP.i32Load, 2, 12, ...IF_VOID, ...a('abort'), OP.call, ...sleb(lk.importFunc('opa_abort')), OP.end,
    OP.localGet, 0, OP.i32Load, 2, 0, ...a('userV'), ...call('opa_value_get'), OP.localSet, 1,
    ...call('opa_object'), OP.localSet, 2,
    OP.localGet, 2, ...a('allowV'), OP.localGet, 1, ...a('aliceV'), ...call('opa_value_equal'), ...call('opa_boolean'), ...call('opa_object_insert'),
    OP.localGet, 1, OP.i32Const, 0, I32_NE, ...IF_VOID,
    OP.localGet, 2, ...a('shoutV'), OP.i32Const, 0, OP.localGet, 0, OP.localGet, 1,
    OP.call, ...sleb(lk.importFunc('opa_builtin1')), ...call('opa_object_insert'), OP.end,
    ...call('opa_object'), OP.localSet, 3,
    OP.localGet, 3, ...a('resultV'), OP.localGet, 2, ...call('opa_object_insert'),
    OP.localGet, 0, OP.i32Load, 2, 8, OP.localGet, 3, ...call('opa_set_add'),
    OP.i32Const, 0,
  ]));
  const entry = lk.addFunction(tV, body(0, [...a('ep'), OP.i32Const, ...sleb(addr.get('epLen')!), ...call('opa_json_parse')]));
  const builtins = lk.addFunction(tV, body(0, [...a('bi'), OP.i32Const, ...sleb(addr.get('biLen')!), ...call('opa_json_parse')]));
  lk.exportFunction('eval', evalIdx);
  lk.exportFunction('entrypoints', entry);
  lk.exportFunction('builtins', builtins);
  lk.setEvalSlot(evalIdx);
  lk.addData(at, bytes);
  lk.setHeapStart((end + 7) & ~7);
  return lk.build();
}
