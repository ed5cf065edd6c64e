// Host imports. The SDK provides exactly these (plus env.memory); any other import fails to link.

@external("env", "opa_abort")
export declare function opa_abort(msg: usize): void;

@external("env", "opa_println")
export declare function opa_println(msg: usize): void;

@external("env", "opa_builtin0")
export declare function opa_builtin0(id: i32, ctx: usize): usize;
@external("env", "opa_builtin1")
export declare function opa_builtin1(id: i32, ctx: usize, a: usize): usize;
@external("env", "opa_builtin2")
export declare function opa_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize;
@external("env", "opa_builtin3")
export declare function opa_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize;
@external("env", "opa_builtin4")
export declare function opa_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize;

/** Aborts with a NUL-terminated message; never returns. */
export function fail(msg: usize): void {
  opa_abort(msg);
  unreachable();
}

// AS's own `abort` (wired here by `--use abort=...`) would otherwise be imported as env.abort, which
// the SDK does not provide. Its message is a managed UTF-16 string, so report a fixed text instead.
export function runtimeAbort(message: usize, fileName: usize, line: u32, column: u32): void {
  opa_abort(memory.data<u8>([105, 110, 116, 101, 114, 110, 97, 108, 32, 101, 114, 114, 111, 114, 0]));
  unreachable();
}
