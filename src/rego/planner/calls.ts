// Calls: user functions become CallStmt to their rule set's IR function (input and data first),
// builtins become CallStmt by name and are declared in static.builtin_funcs. A `with` mock
// replaces either with another function or with a constant value.
import type { RefTerm } from '../ast/types.js';
import type { Operand } from '../ir/types.js';
import { fail } from '../passes/errors.js';
import { nodeAt } from '../passes/ruletree.js';
import { operatorName } from '../passes/walk.js';
import { local } from './builder.js';
import type { Ctx, PTerm } from './context.js';
import { hasUnbound, planElems, planTerm, toLocal, type K } from './terms.js';

/** Builtins that are relations (several outputs per input). */
const RELATIONS = new Set(['walk']);

export function isRelation(name: string | undefined): boolean {
  return name !== undefined && RELATIONS.has(name);
}

/** A relation's call returns its outputs as an array; `k` runs once per output. */
export function planRelation(c: Ctx, op: RefTerm, args: readonly PTerm[], k: K<number>): void {
  planCall(c, op, args, (res) => {
    const src = toLocal(c, res);
    const kl = c.fb.local();
    const vl = c.fb.local();
    c.fb.emit('ScanStmt', { source: src, key: kl, value: vl, block: c.fb.block(() => k(vl)) });
  });
}

/** The IR function name for an operator, or the builtin name. */
export function resolveCallee(c: Ctx, op: RefTerm): { kind: 'func' | 'builtin'; name: string } {
  const name = operatorName(op);
  if (name === undefined) fail('rego_type_error', 'illegal call: dynamic function name', op.location);
  if (name.startsWith('data.')) {
    const set = nodeAt(c.shared.root, name.split('.').slice(1), false)?.ruleSet;
    if (set?.kind !== 'function') fail('rego_type_error', `undefined function ${name}`, op.location);
    return { kind: 'func', name: c.shared.funcFor(set, c.mocks) };
  }
  return { kind: 'builtin', name };
}

export function planCall(c: Ctx, op: RefTerm, args: readonly PTerm[], k: K<Operand>): void {
  const name = operatorName(op) ?? '';
  const mock = c.mocks.get(name);
  if (mock !== undefined) {
    const v = mock.value;
    if (v.type === 'ref' && operatorName(v) !== undefined && isCallable(c, v)) return planCall(c.withoutMock(name), v, args, k);
    if (v.type === 'var' && isCallable(c, { type: 'ref', head: v, path: [], location: v.location })) {
      return planCall(c.withoutMock(name), { type: 'ref', head: v, path: [], location: v.location }, args, k);
    }
    // A value replacement: the call evaluates its arguments (for errors) and yields the value.
    return planElems(c, args, 0, [], () => planTerm(c, v, k));
  }
  const callee = resolveCallee(c, op);
  planArgs(c, args, (ops) => {
    const r = c.fb.local();
    if (callee.kind === 'func') {
      c.fb.emit('CallStmt', { func: callee.name, args: [local(0), local(1), ...ops], result: r });
    } else {
      c.shared.policy.builtins.add(callee.name);
      c.fb.emit('CallStmt', { func: callee.name, args: ops, result: r });
    }
    k(local(r));
  });
}

/**
 * Plans arguments, those that bind vars by iteration first (`x == input.xs[x]` needs the ref
 * before `x`), and hands back the operands in their original order.
 */
function planArgs(c: Ctx, args: readonly PTerm[], k: K<Operand[]>): void {
  const order = args.map((_, i) => i);
  // Refs that bind by iteration first, then ground operands, then operands reading those vars.
  const rank = (t: PTerm): number => (!hasUnbound(c, t) ? 1 : t.type === 'ref' ? 0 : 2);
  order.sort((a, b) => rank(args[a] as PTerm) - rank(args[b] as PTerm));
  planElems(c, order.map((i) => args[i] as PTerm), 0, [], (ops) => {
    const out: Operand[] = [];
    order.forEach((argIndex, j) => (out[argIndex] = ops[j] as Operand));
    k(out);
  });
}

function isCallable(c: Ctx, op: RefTerm): boolean {
  const name = operatorName(op);
  if (name === undefined) return false;
  if (name.startsWith('data.')) return nodeAt(c.shared.root, name.split('.').slice(1), false)?.ruleSet?.kind === 'function';
  return c.shared.isBuiltin(name);
}
