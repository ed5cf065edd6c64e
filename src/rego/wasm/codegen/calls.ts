// CallStmt (policy functions, native runtime builtins, host builtins) and CallDynamicStmt.
import type { Operand, StmtOf } from '../../ir/types.js';
import type { FnCompiler } from './env.js';
import { HOST_DISPATCH_MAX_ARGS } from './runtime.js';
import { wasmPlacement } from '../../builtins/registry.js';

/** The id under which the module's `builtins()` export names a host builtin to the SDK. */
function hostBuiltinId(fc: FnCompiler, importName: string): number {
  let id = fc.env.hostBuiltins.get(importName);
  if (id === undefined) {
    id = fc.env.hostBuiltins.size;
    fc.env.hostBuiltins.set(importName, id);
  }
  return id;
}

export function compileCall(fc: FnCompiler, s: StmtOf<'CallStmt'>): void {
  const args: readonly Operand[] = s.args ?? [];
  const b = fc.body;
  const policyFunc = fc.env.funcIndex.get(s.func);
  const placement = policyFunc === undefined ? wasmPlacement(s.func) : undefined;
  if (placement === undefined || placement.kind === 'native') {
    for (const a of args) fc.read(a);
    b.call(placement === undefined ? (policyFunc as number) : fc.env.rt.nativeBuiltin(placement.export));
  } else {
    if (args.length > HOST_DISPATCH_MAX_ARGS) {
      throw new Error(`host builtin ${s.func} takes ${args.length} arguments, more than the ABI's 4`);
    }
    b.i32(hostBuiltinId(fc, placement.importName)).i32(0);
    for (const a of args) {
      fc.read(a);
      if (placement.args === 'rego-text') b.call(fc.env.valueTextFunc);
    }
    b.call(fc.env.rt.envImport(`opa_builtin${args.length}`));
    if (placement.result === 'rego-text') b.call(fc.rt('opa_value_parse_string'));
  }
  b.tee(fc.local(s.result)).eqz().brIf(0);
}

/**
 * Looks the path up among the policy's functions at run time. Constant path segments are matched
 * at compile time; local segments compare against each candidate's segment. No match, or an
 * undefined result, breaks out of the enclosing block.
 */
export function compileCallDynamic(fc: FnCompiler, s: StmtOf<'CallDynamicStmt'>): void {
  const b = fc.body;
  const candidates = fc.env.dynamicTargets.filter(
    (t) =>
      t.arity === s.args.length &&
      t.path.length === s.path.length &&
      s.path.every((op, i) => op.type !== 'string_index' || fc.env.strings[op.value] === t.path[i]),
  );
  b.block();
  for (const t of candidates) {
    b.block();
    s.path.forEach((op, i) => {
      if (op.type !== 'local') return;
      b.get(fc.local(op.value)).i32(fc.env.statics.stringValue(t.path[i] as string));
      b.call(fc.rt('opa_value_equal')).eqz().brIf(0);
    });
    for (const a of s.args) b.get(fc.local(a));
    b.call(t.index).tee(fc.local(s.result)).eqz().brIf(2);
    b.br(1);
    b.end();
  }
  b.br(1);
  b.end();
}
