// One IR function per rule set. Complete rules and functions assign a candidate with
// AssignVarOnce (conflicting values are eval_conflict_error), `else` links run only while the
// candidate is undefined, and `default` fills the return value last. Partial sets and objects
// build their collection across all rule bodies.
import type { Rule, Term } from '../ast/types.js';
import type { Func, Local } from '../ir/types.js';
import { nodeAt, type RuleInfo, type RuleSet } from '../passes/ruletree.js';
import { mergeChildren } from './ref-heads.js';
import { FuncBuilder, local } from './builder.js';
import { Ctx, Scope, type Mock, type Shared } from './context.js';
import { planBody } from './exprs.js';
import { planTerm } from './terms.js';
import { unify } from './unify.js';

function headValue(r: Rule): Term {
  const h = r.head;
  return h.kind === 'contains' ? h.key : h.value;
}

/** Plans one rule body with args bound to `params`; `emit` runs per solution. */
function planRuleBody(c: Ctx, r: Rule, params: readonly Local[], head: readonly Term[], emit: () => void): void {
  c.setAt(r.location);
  c.scope = new Scope();
  const args = r.head.kind === 'function' ? r.head.args : [];
  const bindArgs = (i: number): void => {
    const a = args[i];
    if (a === undefined) return planBody(c, r.body, emit, head);
    unify(c, a, { type: 'local', local: params[i] as Local, location: a.location }, () => bindArgs(i + 1));
  };
  bindArgs(0);
}

/** Complete rules and functions: each else-chain into its own candidate, then into `ret`. */
function planValueChain(c: Ctx, info: RuleInfo, params: readonly Local[], ret: Local): void {
  const fb = c.fb;
  const cand = fb.local();
  fb.emit('ResetLocalStmt', { target: cand });
  let first = true;
  for (let r: Rule | undefined = info.rule; r; r = r.else) {
    const rule = r;
    const block = fb.block(() => {
      if (!first) fb.emit('IsUndefinedStmt', { source: cand });
      const value = headValue(rule);
      planRuleBody(c, rule, params, [value], () =>
        planTerm(c, value, (op) => fb.emit('AssignVarOnceStmt', { source: op, target: cand })),
      );
    });
    fb.emit('BlockStmt', { blocks: [block] });
    first = false;
  }
  fb.emit('IsDefinedStmt', { source: cand });
  fb.emit('AssignVarOnceStmt', { source: local(cand), target: ret });
}

function planDefault(c: Ctx, info: RuleInfo, ret: Local): void {
  c.fb.emit('IsUndefinedStmt', { source: ret });
  c.scope = new Scope();
  c.setAt(info.rule.location);
  planTerm(c, headValue(info.rule), (op) => c.fb.emit('AssignVarOnceStmt', { source: op, target: ret }));
}

/**
 * Inserts `value` at `keys` below `obj`, creating intermediate objects (ref-head rules). With
 * `setLeaf`, the last key holds a set and `value` is added to it.
 */
function insertNested(c: Ctx, obj: Local, keys: readonly Term[], value: Term, setLeaf: boolean): void {
  const fb = c.fb;
  const [first, ...rest] = keys;
  if (first === undefined) return;
  planTerm(c, first, (ko) => {
    if (rest.length === 0 && !setLeaf) {
      planTerm(c, value, (vo) => fb.emit('ObjectInsertOnceStmt', { key: ko, value: vo, object: obj }));
      return;
    }
    const child = fb.local();
    fb.emit('ResetLocalStmt', { target: child });
    const tmp = fb.local();
    fb.emit('BlockStmt', {
      blocks: [
        fb.block(() => {
          fb.emit('DotStmt', { source: local(obj), key: ko, target: tmp });
          fb.emit('AssignVarStmt', { source: local(tmp), target: child });
        }),
        fb.block(() => {
          fb.emit('IsUndefinedStmt', { source: child });
          fb.emit(rest.length === 0 ? 'MakeSetStmt' : 'MakeObjectStmt', { target: tmp });
          fb.emit('ObjectInsertStmt', { key: ko, value: local(tmp), object: obj });
          fb.emit('AssignVarStmt', { source: local(tmp), target: child });
        }),
      ],
    });
    if (rest.length === 0) planTerm(c, value, (vo) => fb.emit('SetAddStmt', { value: vo, set: child }));
    else insertNested(c, child, rest, value, setLeaf);
  });
}

export function planRuleSet(shared: Shared, set: RuleSet, mocks: ReadonlyMap<string, Mock> = new Map(), name = set.funcName): Func {
  const params: Local[] = [0, 1];
  for (let i = 0; i < set.arity; i++) params.push(2 + i);
  const ret = params.length;
  const fb = new FuncBuilder(ret + 1);
  const c = new Ctx(shared, fb, new Scope(), mocks);
  const blocks = [];
  const argParams = params.slice(2);
  switch (set.kind) {
    case 'complete':
    case 'function':
      for (const info of set.rules) {
        planValueChain(c, info, argParams, ret);
        blocks.push(fb.take());
      }
      if (set.defaultRule) {
        planDefault(c, set.defaultRule, ret);
        blocks.push(fb.take());
      }
      break;
    case 'set':
    case 'object': {
      fb.emit(set.kind === 'set' ? 'MakeSetStmt' : 'MakeObjectStmt', { target: ret });
      for (const info of set.rules) {
        const r = info.rule;
        const block = fb.block(() => {
          if (set.kind === 'set') {
            const key = headValue(r);
            planRuleBody(c, r, [], [key], () => planTerm(c, key, (op) => fb.emit('SetAddStmt', { value: op, set: ret })));
          } else {
            const value = headValue(r);
            planRuleBody(c, r, [], [...info.keys, value], () => insertNested(c, ret, info.keys, value, info.setLeaf));
          }
        });
        fb.emit('BlockStmt', { blocks: [block] });
      }
      const node = nodeAt(shared.root, set.path, false);
      if (set.kind === 'object' && node !== undefined) mergeChildren(c, node, ret, set.rules.reduce((m, i) => Math.max(m, i.keys.length), 0));
      blocks.push(fb.take());
      break;
    }
  }
  fb.emit('ReturnLocalStmt', { source: ret });
  blocks.push(fb.take());
  const path = name === set.funcName ? ['g0', ...set.path] : ['g0', ...set.path.slice(0, -1), name.slice(name.lastIndexOf('.') + 1)];
  return { name, path, params, return: ret, blocks };
}

