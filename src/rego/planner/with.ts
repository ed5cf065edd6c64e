// `with` modifiers. Paths into input and base data become WithStmt (and the rest of the body
// runs with the original restored); rules and functions are replaced at planning time.
import type { Expr, Term } from '../ast/types.js';
import type { Local } from '../ir/types.js';
import { fail } from '../passes/errors.js';
import { operatorName } from '../passes/walk.js';
import { walkVars } from '../passes/vars.js';
import { local } from './builder.js';
import type { Ctx, Mock, PTerm } from './context.js';
import { planModified } from './exprs.js';
import { planTerm } from './terms.js';

/** `with` target: a path into input/data (WithStmt) or a mocked rule/function (planner-level). */
export function planWith(c: Ctx, e: Expr, i: number, k: () => void): void {
  const w = e.with[i];
  if (w === undefined) return planModified(c, e, k);
  const target = w.target;
  const name = target.type === 'ref' ? operatorName(target) : target.type === 'var' ? target.value : undefined;
  if (name === undefined) fail('rego_type_error', 'with keyword target must reference existing input, data, or a function', w.location);
  const parts = name.split('.');
  const root = parts[0];
  const overlapsRules = root === 'data' && touchesRules(c, parts.slice(1));
  if ((root === 'input' || root === 'data') && !overlapsRules) {
    return planTerm(c, w.value, (op) => {
      const tgt: Local = root === 'input' ? 0 : 1;
      const saved = c.fb.local();
      c.fb.emit('AssignVarStmt', { source: local(tgt), target: saved });
      const path = parts.slice(1).map((p) => c.shared.policy.str(p));
      const block = c.fb.block(() =>
        planWith(c, e, i + 1, () => {
          const restore = c.fb.block(k);
          c.fb.emit('WithStmt', { local: tgt, path: [], value: local(saved), block: restore });
        }),
      );
      c.fb.emit('WithStmt', { local: tgt, path, value: op, block });
    });
  }
  // A function or a rule: replaced while planning this expression (and, through specialised
  // variants, the rules it calls). A value that depends on local vars cannot be planned inside
  // another function, so it travels there through a hidden path under `data`.
  const v = w.value;
  if (!readsLocals(c, v)) {
    planWith(c.withMocks(new Map<string, Mock>([[name, { value: v }]])), e, i + 1, k);
    return;
  }
  planTerm(c, v, (op) => {
    const slot = `$with${c.fb.local()}`;
    const saved = c.fb.local();
    c.fb.emit('AssignVarStmt', { source: local(1), target: saved });
    const ref: PTerm = {
      type: 'ref',
      location: v.location,
      head: { type: 'var', value: 'data', location: v.location },
      path: [{ type: 'string', value: slot, location: v.location }],
    };
    const block = c.fb.block(() =>
      planWith(c.withMocks(new Map<string, Mock>([[name, { value: ref }]])), e, i + 1, () => {
        const restore = c.fb.block(k);
        c.fb.emit('WithStmt', { local: 1, path: [], value: local(saved), block: restore });
      }),
    );
    c.fb.emit('WithStmt', { local: 1, path: [c.shared.policy.str(slot)], value: op, block });
  });
}

/** True when the term reads a bound local var (a function name such as `count` is not one). */
function readsLocals(c: Ctx, t: Term): boolean {
  let found = false;
  walkVars(t, (v) => {
    if (c.scope.lookup(v.value) !== undefined) found = true;
  }, true);
  return found;
}

function touchesRules(c: Ctx, path: string[]): boolean {
  let n = c.shared.root;
  for (const p of path) {
    if (n.ruleSet) return true;
    const next = n.children.get(p);
    if (!next) return false;
    n = next;
  }
  return true;
}

