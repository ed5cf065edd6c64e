// The planner's entry: IR functions for every rule set, and one plan per query or entrypoint,
// assembled into an ir.Policy exactly as `opa build -t plan` lays it out.
import { ProblemCollector } from '../passes/errors.js';
import type { Body, Module, RefTerm, Term } from '../ast/types.js';
import type { BuiltinFunc, Func, Plan, Policy } from '../ir/types.js';
import type { RuleNode, RuleSet } from '../passes/ruletree.js';
import { exprTerms, isWildcard, walkVars } from '../passes/vars.js';
import { FuncBuilder, PolicyBuilder, local, strOp } from './builder.js';
import { Ctx, Scope, type Shared } from './context.js';
import { planDataRef } from './data.js';
import { planBody } from './exprs.js';
import { planRuleSet } from './rules.js';
import { mockKey, RefIndex, relevantMocks } from './specialize.js';
import { toLocal } from './terms.js';

export interface PlanInput {
  readonly modules: readonly Module[];
  readonly root: RuleNode;
  readonly sets: readonly RuleSet[];
  /** Named query plans, e.g. {name: "eval", body} for conformance queries. */
  readonly queries: readonly { name: string; body: Body }[];
  /** Entrypoints as data paths without `data`, e.g. ["changegate", "decision"]. */
  readonly entrypoints: readonly { name: string; path: readonly string[] }[];
  readonly isBuiltin: (name: string) => boolean;
  readonly arity: (op: RefTerm) => number | undefined;
}

/** User-visible query vars in order of first appearance (no wildcards, no generated names). */
function queryVars(body: Body): string[] {
  const out: string[] = [];
  const add = (v: { value: string }): void => {
    const n = v.value;
    if (!isWildcard(n) && !n.startsWith('__') && n !== 'input' && n !== 'data' && !out.includes(n)) out.push(n);
  };
  for (const e of body) {
    exprTerms(e).forEach((t) => walkVars(t, add));
    e.with.forEach((w) => walkVars(w.value, add));
  }
  return out;
}

function builtinDecl(): unknown {
  return { type: 'function', args: [], result: { type: 'any' } };
}

export function plan(input: PlanInput): Policy {
  const policy = new PolicyBuilder();
  for (const m of input.modules) policy.file(m.file);
  const index = new RefIndex(input.root);
  const variants = new Map<string, string>();
  const funcs: Func[] = [];
  const shared: Shared = {
    policy,
    root: input.root,
    fileIndex: (f) => policy.file(f),
    isBuiltin: input.isBuiltin,
    arity: input.arity,
    funcFor: (set, mocks) => {
      if (mocks.size === 0) return set.funcName;
      const relevant = relevantMocks(index, set, mocks);
      if (relevant.size === 0) return set.funcName;
      const key = `${set.funcName}|${mockKey(relevant)}`;
      let name = variants.get(key);
      if (name === undefined) {
        if (variants.size > 10_000) throw new RangeError('too many with-specialised functions');
        name = `${set.funcName}$w${variants.size}`;
        variants.set(key, name);
        funcs.push(planRuleSet(shared, set, relevant, name));
      }
      return name;
    },
  };
  // Errors the planner finds (unsafe vars in nested bodies) are reported for every rule set.
  const problems = new ProblemCollector();
  for (const s of input.sets) if (s.rules.length > 0 || s.defaultRule) problems.check(() => funcs.push(planRuleSet(shared, s)));
  problems.finish();
  const plans: Plan[] = [];
  for (const q of input.queries) {
    const fb = new FuncBuilder(2);
    const c = new Ctx(shared, fb, new Scope());
    const names = queryVars(q.body);
    planBody(c, q.body, () => {
      const r = fb.local();
      fb.emit('MakeObjectStmt', { target: r });
      for (const n of names) {
        const l = c.scope.lookup(n);
        if (l !== undefined) fb.emit('ObjectInsertStmt', { key: strOp(policy.str(n)), value: local(l), object: r });
      }
      fb.emit('ResultSetAddStmt', { value: r });
    });
    plans.push({ name: q.name, blocks: [fb.take()] });
  }
  for (const ep of input.entrypoints) {
    const fb = new FuncBuilder(2);
    const c = new Ctx(shared, fb, new Scope());
    const loc = { file: '<entrypoint>', row: 1, col: 1, text: '' };
    const path: Term[] = ep.path.map((p) => ({ type: 'string', value: p, location: loc }));
    planDataRef(c, path, (op) => {
      const v = toLocal(c, op);
      const r = fb.local();
      fb.emit('MakeObjectStmt', { target: r });
      fb.emit('ObjectInsertStmt', { key: strOp(policy.str('result')), value: local(v), object: r });
      fb.emit('ResultSetAddStmt', { value: r });
    });
    plans.push({ name: ep.name, blocks: [fb.take()] });
  }
  const builtinFuncs: BuiltinFunc[] = [...policy.builtins].sort().map((name) => ({ name, decl: builtinDecl() }));
  return {
    static: {
      strings: policy.strings.map((value) => ({ value })),
      builtin_funcs: builtinFuncs,
      files: policy.files.map((value) => ({ value })),
    },
    plans: { plans },
    funcs: { funcs },
  };
}
