// Safety of rule bodies before planning: every rule body can be ordered so its vars are bound
// (rego_unsafe_var_error otherwise), head vars are bound by the body, and `:=` never redeclares a
// var of the same body (rego_compile_error, as OPA's "var x assigned above"). Nested bodies
// (comprehensions, every, negation) are checked again by the planner, which knows their scope.
import type { Body, Rule } from '../ast/types.js';
import { fail, ProblemCollector } from './errors.js';
import type { ArityOf } from './safety.js';
import { checkHeadSafe, isOp, orderBody } from './safety.js';
import { walkVars } from './vars.js';
import type { Module } from '../ast/types.js';

function checkRedeclare(body: Body, declared: Set<string>): void {
  for (const e of body) {
    if (!isOp(e, 'assign') || e.terms.kind !== 'call') continue;
    const lhs = e.terms.args[0];
    if (lhs === undefined) continue;
    walkVars(lhs, (v) => {
      if (declared.has(v.value)) fail('rego_compile_error', `var ${v.value} assigned above`, e.location);
      declared.add(v.value);
    });
  }
}

function checkRule(rule: Rule, arity: ArityOf): void {
  for (let r: Rule | undefined = rule; r; r = r.else) {
    const h = r.head;
    const args = new Set<string>();
    if (h.kind === 'function') h.args.forEach((a) => walkVars(a, (v) => args.add(v.value)));
    checkRedeclare(r.body, new Set(args));
    const head = h.kind === 'contains' ? [h.key] : [h.value, ...h.ref.path];
    const headVars = new Set<string>();
    head.forEach((t) => walkVars(t, (v) => headVars.add(v.value)));
    const { bound } = orderBody(r.body, args, arity, headVars);
    const at = r.body[0]?.location ?? r.location;
    checkHeadSafe(head, bound, at);
  }
}

export function checkSafety(modules: readonly Module[], arity: ArityOf): void {
  const problems = new ProblemCollector();
  for (const m of modules) m.rules.forEach((r) => problems.check(() => checkRule(r, arity)));
  problems.finish();
}
