// Compiles an IR policy into functions and links them into a copy of the runtime module.
import type { Policy } from '../../ir/types.js';
import { I32, importedGlobalCount, type FuncType, type Module } from '../binary/module.js';
import { wasmPlacement } from '../../builtins/registry.js';
import type { DynamicTarget, PolicyEnv } from './env.js';
import { compileEval, compileFunc, compileJsonConst, compilePlan, compileValueText } from './functions.js';
import { linkInto, type NewFunction } from './link.js';
import { compileMemoWrapper, memoizable, memoLayout } from './memo.js';
import { RuntimeInfo } from './runtime.js';
import { StaticData } from './statics.js';

function i32Type(params: number): FuncType {
  return { params: new Array<typeof I32>(params).fill(I32), results: [I32] };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Code generation only: the IR passes (ir/passes) have run on `policy` already (compile.ts). */
export function compilePolicy(runtime: Module, policy: Policy): Module {
  const rt = new RuntimeInfo(runtime);
  const funcs = policy.funcs?.funcs ?? [];
  const plans = policy.plans.plans ?? [];
  const base = rt.importedFuncs + runtime.funcs.length;

  const funcIndex = new Map<string, number>();
  const dynamicTargets: DynamicTarget[] = [];
  funcs.forEach((fn, i) => {
    funcIndex.set(fn.name, base + i);
    dynamicTargets.push({ path: fn.path, arity: fn.params.length, index: base + i });
  });
  const planIndex = plans.map((_, j) => base + funcs.length + j);
  const evalIndex = base + funcs.length + plans.length;
  // Order of the generated functions after the plans: eval, entrypoints, builtins, value text,
  // then the bodies of memoized rules (their index above calls the memo wrapper).
  const valueTextFunc = evalIndex + 3;
  const cacheable = memoizable(policy);
  const memoized = funcs.map((fn, i) => ({ fn, i })).filter(({ fn }) => cacheable.has(fn.name));
  const implIndex = new Map(memoized.map(({ i }, k) => [i, valueTextFunc + 1 + k]));
  const memo = memoLayout(importedGlobalCount(runtime) + runtime.globals.length, memoized.length);

  const env: PolicyEnv = {
    rt,
    statics: new StaticData(align8(rt.dataEnd())),
    strings: (policy.static.strings ?? []).map((s) => s.value),
    files: (policy.static.files ?? []).map((f) => f.value),
    funcIndex,
    dynamicTargets,
    valueTextFunc,
    memo,
    hostBuiltins: new Map(),
  };

  const out: NewFunction[] = [];
  funcs.forEach((fn, i) => {
    const impl = implIndex.get(i);
    const body = impl === undefined ? compileFunc(env, fn) : compileMemoWrapper(memo, memoized.findIndex((m) => m.i === i), impl);
    out.push({ name: fn.name, type: i32Type(fn.params.length), body });
  });
  plans.forEach((p) => out.push({ name: `plan:${p.name}`, type: i32Type(1), body: compilePlan(env, p) }));
  out.push({ name: 'eval', type: i32Type(1), body: compileEval(env, planIndex), export: true });

  const entrypoints = Object.fromEntries(plans.map((p, j) => [p.name, j]));
  out.push({ name: 'entrypoints', type: i32Type(0), body: compileJsonConst(env, JSON.stringify(entrypoints)), export: true });
  // Declared builtins that are neither native nor policy functions go to the host, even when no
  // statement calls them, so `builtins()` tells the host everything the policy may ask for.
  for (const decl of policy.static.builtin_funcs ?? []) {
    const placement = wasmPlacement(decl.name);
    if (placement.kind === 'host' && !funcIndex.has(decl.name) && !env.hostBuiltins.has(placement.importName)) {
      env.hostBuiltins.set(placement.importName, env.hostBuiltins.size);
    }
  }
  const builtins = Object.fromEntries(env.hostBuiltins);
  out.push({ name: 'builtins', type: i32Type(0), body: compileJsonConst(env, JSON.stringify(builtins)), export: true });
  out.push({ name: 'value_text', type: i32Type(1), body: compileValueText(env) });
  for (const { fn } of memoized) out.push({ name: `${fn.name}:body`, type: i32Type(2), body: compileFunc(env, fn) });

  return linkInto(runtime, rt, out, env.statics, evalIndex, memo.globals);
}
