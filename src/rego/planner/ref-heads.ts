// Ref-head rules that overlap a partial object (`p[k] := v` beside `p.q.r := 1`, or
// `p[q].r contains s` beside `p.b.r contains "foo"`): their values join the object's function.
import type { Local, Operand } from '../ir/types.js';
import type { RuleKind, RuleNode } from '../passes/ruletree.js';
import { local } from './builder.js';
import type { Ctx } from './context.js';

/**
 * How a child path meets the values the partial object's own rules built. Above the deepest
 * head of those rules an existing object is a path object the heads created, so children extend
 * (a copy of) it. From that depth on an existing value is a rule's value, which no other rule may
 * extend: children's values are built afresh and inserted once, so any difference is a conflict.
 */
interface Walk {
  readonly depth: number;
  readonly leafDepth: number;
  readonly fresh: boolean;
}

/**
 * Rules below a partial object's path (`p[k] := v` beside `p.q.r := 1`) contribute to the same
 * object. `leafDepth` is the longest head (in keys below the object) of the object's own rules.
 */
export function mergeChildren(c: Ctx, node: RuleNode, target: Local, leafDepth: number): void {
  mergeAt(c, node, target, { depth: 1, leafDepth, fresh: false });
}

function mergeAt(c: Ctx, node: RuleNode, target: Local, w: Walk): void {
  const fb = c.fb;
  for (const [name, child] of node.children) {
    const set = child.ruleSet;
    if (set?.kind === 'function') continue;
    const key: Operand = { type: 'string_index', value: c.shared.policy.str(name) };
    const outer = fb.block(() => {
      if (set !== undefined) {
        const v = fb.local();
        fb.emit('CallStmt', { func: c.shared.funcFor(set, c.mocks), args: [local(0), local(1)], result: v });
        insertValue(c, target, key, v, set.kind);
        return;
      }
      const next: Walk = { depth: w.depth + 1, leafDepth: w.leafDepth, fresh: w.fresh || w.depth >= w.leafDepth };
      const sub = next.fresh ? freshObject(c) : ownedChild(c, target, key);
      mergeAt(c, child, sub, next);
      insertIfNonEmpty(c, target, key, sub, next.fresh);
    });
    fb.emit('BlockStmt', { blocks: [outer] });
  }
}

/**
 * A child rule's value at target[key]: partial sets union with a set already there, partial
 * objects merge with an object already there; anything else is inserted once (a clash conflicts).
 */
function insertValue(c: Ctx, target: Local, key: Operand, v: Local, kind: RuleKind): void {
  const fb = c.fb;
  const cur = fb.local();
  const blocks = [];
  if (kind === 'set') {
    blocks.push(
      fb.block(() => {
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
      }),
    );
  }
  if (kind === 'object') {
    blocks.push(
      fb.block(() => {
        fb.emit('DotStmt', { source: local(target), key, target: cur });
        fb.emit('IsObjectStmt', { source: local(cur) });
        fb.emit('IsObjectStmt', { source: local(v) });
        const m = fb.local();
        fb.emit('ObjectMergeStmt', { a: cur, b: v, target: m });
        fb.emit('ObjectInsertStmt', { key, value: local(m), object: target });
        fb.emit('BreakStmt', { index: 1 });
      }),
    );
  }
  blocks.push(fb.block(() => fb.emit('ObjectInsertOnceStmt', { key, value: local(v), object: target })));
  fb.emit('BlockStmt', { blocks });
}

function freshObject(c: Ctx): Local {
  const o = c.fb.local();
  c.fb.emit('MakeObjectStmt', { target: o });
  return o;
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
  const owned = fb.local();
  fb.emit('ObjectMergeStmt', { a: existing, b: freshObject(c), target: owned });
  fb.emit('IsObjectStmt', { source: local(owned) });
  return owned;
}

/**
 * A path object goes in only when some rule below it produced a value: a path whose rules are
 * all undefined is undefined, not an empty object. `once` makes a clash with a value a conflict.
 */
function insertIfNonEmpty(c: Ctx, target: Local, key: Operand, sub: Local, once: boolean): void {
  const fb = c.fb;
  const n = fb.local();
  fb.emit('LenStmt', { source: local(sub), target: n });
  const zero = fb.local();
  fb.emit('MakeNumberIntStmt', { value: 0, target: zero });
  fb.emit('NotEqualStmt', { a: local(n), b: local(zero) });
  fb.emit(once ? 'ObjectInsertOnceStmt' : 'ObjectInsertStmt', { key, value: local(sub), object: target });
}
