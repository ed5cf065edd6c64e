// Refs into `data`: walk the rule tree along the ref's static prefix. A rule set on the way is
// called (its function returns the virtual document) and the rest of the ref applies to its
// value; a prefix with rules below it is materialised as base data merged with every rule's
// value; past the rules, the ref is plain base data.
import type { Local, Operand } from '../ir/types.js';
import type { RuleNode } from '../passes/ruletree.js';
import { local } from './builder.js';
import type { Ctx, PTerm } from './context.js';
import { planPath, planTerm, toLocal, type K } from './terms.js';

/** A Dot that may fail: leaves `undefined` in the target instead of leaving the block. */
function optionalDot(c: Ctx, src: Local, key: string): Local {
  const t = c.fb.local();
  c.fb.emit('ResetLocalStmt', { target: t });
  const tmp = c.fb.local();
  const block = c.fb.block(() => {
    c.fb.emit('DotStmt', { source: local(src), key: { type: 'string_index', value: c.shared.policy.str(key) }, target: tmp });
    c.fb.emit('AssignVarStmt', { source: local(tmp), target: t });
  });
  c.fb.emit('BlockStmt', { blocks: [block] });
  return t;
}

function mockKey(path: readonly string[]): string {
  return `data.${path.join('.')}`;
}

/** Calls a rule set's function (or its `with` replacement) into a fresh local. */
function callRuleSet(c: Ctx, node: RuleNode, path: readonly string[], k: K<Local>): void {
  const set = node.ruleSet;
  if (set === undefined) return;
  const mock = c.mocks.get(mockKey(path));
  if (mock !== undefined) return planTerm(c, mock.value, (op) => k(toLocal(c, op)));
  const r = c.fb.local();
  c.fb.emit('CallStmt', { func: c.shared.funcFor(set, c.mocks), args: [local(0), local(1)], result: r });
  k(r);
}

/**
 * The document at `node`: base data merged with the values of the rules below. `rest` is the
 * part of the ref still to be applied: children it cannot reach are left out, which keeps
 * `data[x].allow` from evaluating (and recursing into) unrelated rules.
 */
function materialise(c: Ctx, node: RuleNode, base: Local, path: readonly string[], rest: readonly PTerm[] = []): Local {
  const o = c.fb.local();
  c.fb.emit('MakeObjectStmt', { target: o });
  const [next, ...after] = rest;
  for (const [name, child] of node.children) {
    if (child.ruleSet?.kind === 'function') continue;
    if (next?.type === 'string' && next.value !== name) continue;
    const childPath = [...path, name];
    const block = c.fb.block(() => {
      const v = valueOf(c, child, optionalDot(c, base, name), childPath, after);
      if (v !== undefined) {
        c.fb.emit('IsDefinedStmt', { source: v });
        c.fb.emit('ObjectInsertStmt', { key: { type: 'string_index', value: c.shared.policy.str(name) }, value: local(v), object: o });
      }
    });
    c.fb.emit('BlockStmt', { blocks: [block] });
  }
  const merged = c.fb.local();
  c.fb.emit('ObjectMergeStmt', { a: base, b: o, target: merged });
  return merged;
}

function valueOf(c: Ctx, node: RuleNode, base: Local, path: readonly string[], rest: readonly PTerm[]): Local | undefined {
  if (node.ruleSet !== undefined) {
    let out: Local | undefined;
    callRuleSet(c, node, path, (l) => (out = l));
    return out;
  }
  return materialise(c, node, base, path, rest);
}

export function planDataRef(c: Ctx, path: readonly PTerm[], k: K<Operand>): void {
  let node: RuleNode = c.shared.root;
  let base: Local = 1;
  const seen: string[] = [];
  for (let i = 0; ; i++) {
    if (node.ruleSet !== undefined && node.ruleSet.kind !== 'function') {
      return callRuleSet(c, node, seen, (r) => planPath(c, r, path, i, k));
    }
    const mock = c.mocks.get(mockKey(seen));
    if (mock !== undefined && seen.length > 0) {
      return planTerm(c, mock.value, (op) => planPath(c, toLocal(c, op), path, i, k));
    }
    const e = path[i];
    // Below the root, every node is a package or rule prefix: a document even when empty.
    const virtual = node !== c.shared.root || node.children.size > 0;
    if (e === undefined) return k(local(virtual ? materialise(c, node, base, seen) : base));
    if (e.type !== 'string') return planPath(c, virtual ? materialise(c, node, base, seen, path.slice(i)) : base, path, i, k);
    const child = node.children.get(e.value);
    if (child === undefined) return planPath(c, base, path, i, k);
    base = optionalDot(c, base, e.value);
    seen.push(e.value);
    node = child;
  }
}
