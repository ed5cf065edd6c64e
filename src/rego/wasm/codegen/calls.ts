// CallStmt (policy functions, native runtime builtins, host builtins) and CallDynamicStmt.
import type { Operand, StmtOf } from '../../ir/types.js';
import type { FnCompiler } from './env.js';
import { HOST_DISPATCH_MAX_ARGS } from './runtime.js';
import { TEXT_ARGUMENT_BUILTINS, TEXT_RESULT_BUILTINS } from '../../builtins/host/text-args.js';

/**
 * Names the SDK implements itself and would shadow our host implementations of (its lookup
 * prefers its own): we alias them, so Go-compatible, never-throwing versions run instead.
 */
const SDK_SHADOWED = new Set(['sprintf', 'regex.split', 'yaml.is_valid', 'yaml.marshal', 'yaml.unmarshal', 'json.is_valid']);

export function hostBuiltinAlias(name: string): string {
  return SDK_SHADOWED.has(name) ? `changegate.${name}` : name;
}


function hostBuiltinId(fc: FnCompiler, name: string): number {
  const alias = hostBuiltinAlias(name);
  let id = fc.env.hostBuiltins.get(alias);
  if (id === undefined) {
    id = fc.env.hostBuiltins.size;
    fc.env.hostBuiltins.set(alias, id);
  }
  return id;
}

export function compileCall(fc: FnCompiler, s: StmtOf<'CallStmt'>): void {
  const args: readonly Operand[] = s.args ?? [];
  const b = fc.body;
  const policyFunc = fc.env.funcIndex.get(s.func);
  const native = policyFunc === undefined ? fc.env.rt.nativeBuiltin(s.func) : undefined;
  if (policyFunc !== undefined || native !== undefined) {
    for (const a of args) fc.read(a);
    b.call((policyFunc ?? native) as number);
  } else {
    if (args.length > HOST_DISPATCH_MAX_ARGS) {
      throw new Error(`host builtin ${s.func} takes ${args.length} arguments, more than the ABI's 4`);
    }
    b.i32(hostBuiltinId(fc, s.func)).i32(0);
    const asText = TEXT_ARGUMENT_BUILTINS.has(s.func);
    for (const a of args) {
      fc.read(a);
      if (asText) b.call(fc.env.valueTextFunc);
    }
    b.call(fc.env.rt.envImport(`opa_builtin${args.length}`));
    if (TEXT_RESULT_BUILTINS.has(s.func)) b.call(fc.rt('opa_value_parse_string'));
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
