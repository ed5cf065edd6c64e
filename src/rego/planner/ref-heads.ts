// Ref-head rules that overlap a partial object (`p[k] := v` beside `p.q.r := 1`, or
// `p[q].r contains s` beside `p.b.r contains "foo"`): their values join the object's function.
import type { Local, Operand } from '../ir/types.js';
import type { RuleNode } from '../passes/ruletree.js';
import { local } from './builder.js';
import type { Ctx } from './context.js';

/**
 * Rules below a partial object's path (`p[k] := v` beside `p.q.r := 1`) contribute to the same
 * object. Intermediate objects are copied before they are extended (values may be shared with
 * other rules' results); sets at the same leaf are unioned; objects merge; any other value is
 * inserted once, so a clash is a conflict.
 */
export function mergeChildren(c: Ctx, node: RuleNode, target: Local): void {
  const fb = c.fb;
  for (const [name, child] of node.children) {
    if (child.ruleSet?.kind === 'function') continue;
    const key: Operand = { type: 'string_index', value: c.shared.policy.str(name) };
    const outer = fb.block(() => {
      if (child.ruleSet === undefined) {
        mergeChildren(c, child, ownedChild(c, target, key));
        return;
      }
      const v = fb.local();
      fb.emit('CallStmt', { func: c.shared.funcFor(child.ruleSet, c.mocks), args: [local(0), local(1)], result: v });
      const cur = fb.local();
      const union = fb.block(() => {
        fb.emit('DotStmt', { source: local(target), key, target: cur });
        fb.emit('IsSetStmt', { source: local(cur) });
        fb.emit('IsSetStmt', { source: local(v) });
        const n = fb.local();
        fb.emit('MakeSetStmt', { target: n });
        for (const src of [cur, v]) {
          const kl = fb.local();
          const vl = fb.local();
          fb.emit('ScanStmt', { source: src, key: kl, value: vl, block: fb.block(() => fb.emit('SetAddStmt', { value: local(vl), set: n })) });
        }
        fb.emit('ObjectInsertStmt', { key, value: local(n), object: target });
        fb.emit('BreakStmt', { index: 1 });
      });
      const merge = fb.block(() => {
        fb.emit('DotStmt', { source: local(target), key, target: cur });
        fb.emit('IsObjectStmt', { source: local(cur) });
        fb.emit('IsObjectStmt', { source: local(v) });
        const m = fb.local();
        fb.emit('ObjectMergeStmt', { a: cur, b: v, target: m });
        fb.emit('ObjectInsertStmt', { key, value: local(m), object: target });
        fb.emit('BreakStmt', { index: 1 });
      });
      const once = fb.block(() => fb.emit('ObjectInsertOnceStmt', { key, value: local(v), object: target }));
      fb.emit('BlockStmt', { blocks: [union, merge, once] });
    });
    fb.emit('BlockStmt', { blocks: [outer] });
  }
}

/** target[key] as an object this function owns: a copy of the existing one, or a new one. */
function ownedChild(c: Ctx, target: Local, key: Operand): Local {
  const fb = c.fb;
  const existing = fb.local();
  fb.emit('ResetLocalStmt', { target: existing });
  const tmp = fb.local();
  fb.emit('BlockStmt', {
    blocks: [
      fb.block(() => {
        fb.emit('DotStmt', { source: local(target), key, target: tmp });
        fb.emit('AssignVarStmt', { source: local(tmp), target: existing });
      }),
    ],
  });
  const fresh = fb.local();
  fb.emit('MakeObjectStmt', { target: fresh });
  const owned = fb.local();
  fb.emit('ObjectMergeStmt', { a: existing, b: fresh, target: owned });
  fb.emit('IsObjectStmt', { source: local(owned) });
  fb.emit('ObjectInsertStmt', { key, value: local(owned), object: target });
  return owned;
}

