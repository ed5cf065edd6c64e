// Builtin and function call checks (OPA's type checker, reduced to what matters for safety):
// unknown functions and wrong operand counts are rego_type_error.
import type { Module, RefTerm } from '../ast/types.js';
import { builtinArity } from '../builtins/registry.js';
import { fail, ProblemCollector } from './errors.js';
import { nodeAt, type RuleNode } from './ruletree.js';
import { operatorName, visitBody, visitRule, type Visitor } from './walk.js';
import type { Body, Expr } from '../ast/types.js';

/** Operators the planner handles itself rather than as builtin calls. */
const SPECIAL: Record<string, number> = { eq: 2, assign: 2, print: -1, 'internal.print': 1 };

/** Operand count of a callable, or undefined when unknown; -1 for variadic. */
export function arityOf(root: RuleNode, op: RefTerm): number | undefined {
  const name = operatorName(op);
  if (name === undefined) return undefined;
  if (name.startsWith('data.')) {
    const set = nodeAt(root, name.split('.').slice(1), false)?.ruleSet;
    return set?.kind === 'function' ? set.arity : undefined;
  }
  return SPECIAL[name] ?? builtinArity(name);
}

export function checkCalls(root: RuleNode, modules: readonly Module[], query: Body | undefined): void {
  const problems = new ProblemCollector();
  const v: Visitor = {
    call: (op, argc, at) => problems.check(() => checkCall(root, op, argc, at)),
  };
  for (const m of modules) m.rules.forEach((r) => visitRule(r, v));
  if (query) visitBody(query, v);
  problems.finish();
}

function checkCall(root: RuleNode, op: RefTerm, argc: number, at: Expr['location']): void {
  const name = operatorName(op);
  if (name === undefined) fail('rego_type_error', 'illegal call: dynamic function name', at);
  const n = arityOf(root, op);
  if (n === undefined) fail('rego_type_error', `undefined function ${name}`, at);
  if (n >= 0 && argc !== n && argc !== n + 1) {
    fail('rego_type_error', `${name}: arity mismatch\n\thave: ${argc} operands\n\twant: ${n} operands`, at);
  }
}
