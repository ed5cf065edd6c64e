// Recursion check: rule sets form a dependency graph through data refs and calls; any cycle is
// rego_recursion_error, as Rego has no recursion.
import type { Term } from '../ast/types.js';
import { fail } from './errors.js';
import { setsUnder, type RuleNode, type RuleSet } from './ruletree.js';
import { visitRule } from './walk.js';

/**
 * Rule sets a data ref may read. Static segments select one child; a dynamic segment (`data[x]`)
 * may be any child, but the segments after it must still match, so `data[x].allow` does not
 * depend on `data.test.p`.
 */
export function setsForRef(root: RuleNode, path: readonly Term[]): RuleSet[] {
  const out: RuleSet[] = [];
  const walk = (n: RuleNode, i: number): void => {
    if (n.ruleSet) {
      out.push(n.ruleSet);
      return;
    }
    const p = path[i];
    if (p === undefined) {
      setsUnder(n, out);
      return;
    }
    if (p.type === 'string') {
      const next = n.children.get(p.value);
      if (next) walk(next, i + 1);
      return;
    }
    for (const c of n.children.values()) walk(c, i + 1);
  };
  walk(root, 0);
  return [...new Set(out)];
}

function deps(root: RuleNode, set: RuleSet): Set<RuleSet> {
  const out = new Set<RuleSet>();
  const visit = (t: Term): void => {
    if (t.type === 'ref' && t.head.type === 'var' && t.head.value === 'data') setsForRef(root, t.path).forEach((s) => out.add(s));
    if (t.type === 'call') visit(t.operator);
  };
  const all = set.defaultRule ? [...set.rules, set.defaultRule] : set.rules;
  for (const info of all) {
    visitRule(info.rule, {
      term: visit,
      call: (op) => visit(op),
    });
  }
  return out;
}

export function checkRecursion(root: RuleNode, sets: readonly RuleSet[]): void {
  const graph = new Map<RuleSet, Set<RuleSet>>();
  for (const s of sets) graph.set(s, deps(root, s));
  const state = new Map<RuleSet, 'active' | 'done'>();
  const stack: RuleSet[] = [];
  const name = (s: RuleSet): string => `data.${s.path.join('.')}`;
  const dfs = (s: RuleSet): void => {
    state.set(s, 'active');
    stack.push(s);
    for (const d of graph.get(s) ?? []) {
      const st = state.get(d);
      if (st === 'active') {
        const cycle = [...stack.slice(stack.indexOf(d)), d].map(name).join(' -> ');
        fail('rego_recursion_error', `rule ${name(d)} is recursive: ${cycle}`, d.rules[0]?.rule.location ?? d.defaultRule?.rule.location);
      }
      if (st === undefined) dfs(d);
    }
    stack.pop();
    state.set(s, 'done');
  };
  for (const s of sets) if (!state.has(s)) dfs(s);
}
