// Builds the rule tree: every rule placed at its full data path, grouped into rule sets whose
// kind (complete, partial set, partial object, function) decides how the planner plans them.
import type { Module, Rule, Term } from '../ast/types.js';
import { fail, ProblemCollector } from './errors.js';

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

export interface RuleInfo {
  readonly rule: Rule;
  readonly module: Module;
  /** Package path without `data`, e.g. ["changegate"]. */
  readonly pkg: readonly string[];
  /** Dynamic head elements after the rule set's path (partial-object keys). */
  readonly keys: readonly Term[];
  /** `p[x].r contains v`: an object whose leaves are sets (the head value is a set element). */
  readonly setLeaf: boolean;
}

export interface RuleSet {
  readonly path: readonly string[];
  readonly kind: RuleKind;
  readonly rules: RuleInfo[];
  defaultRule?: RuleInfo;
  readonly arity: number;
  /** IR function name, g0.data.<path>. */
  readonly funcName: string;
}

export interface RuleNode {
  readonly children: Map<string, RuleNode>;
  ruleSet?: RuleSet;
}

export function newNode(): RuleNode {
  return { children: new Map() };
}

export function packagePath(m: Module): string[] {
  return m.package.path.path.map((t) => (t.type === 'string' ? t.value : fail('rego_parse_error', 'package path must be strings', t.location)));
}

/** Splits a rule's head ref into its static path (below data) and dynamic keys. */
export function rulePath(r: Rule, pkg: readonly string[]): { path: string[]; keys: Term[] } {
  const ref = r.head.ref;
  if (ref.head.type !== 'var') fail('rego_parse_error', 'rule head must start with a name', r.location);
  const path = [...pkg, ref.head.value];
  const keys: Term[] = [];
  for (const t of ref.path) {
    if (keys.length === 0 && t.type === 'string') path.push(t.value);
    else keys.push(t);
  }
  return { path, keys };
}

function kindOf(r: Rule, keys: readonly Term[]): RuleKind {
  switch (r.head.kind) {
    case 'function':
      return 'function';
    case 'contains':
      return keys.length > 0 ? 'object' : 'set';
    case 'value':
      return keys.length > 0 ? 'object' : 'complete';
  }
}

export function nodeAt(root: RuleNode, path: readonly string[], create: boolean): RuleNode | undefined {
  let n: RuleNode | undefined = root;
  for (const seg of path) {
    let next: RuleNode | undefined = n.children.get(seg);
    if (next === undefined) {
      if (!create) return undefined;
      next = newNode();
      n.children.set(seg, next);
    }
    n = next;
  }
  return n;
}

export function buildRuleTree(modules: readonly Module[]): { root: RuleNode; sets: RuleSet[] } {
  const root = newNode();
  const sets: RuleSet[] = [];
  const problems = new ProblemCollector();
  for (const module of modules) {
    const pkg = packagePath(module);
    // A package exists as a document (an empty object) even without rules.
    nodeAt(root, pkg, true);
    for (const rule of module.rules) problems.check(() => placeRule(root, sets, module, pkg, rule));
  }
  problems.finish();
  return { root, sets };
}

function placeRule(root: RuleNode, sets: RuleSet[], module: Module, pkg: readonly string[], rule: Rule): void {
  const { path, keys } = rulePath(rule, pkg);
  const kind = kindOf(rule, keys);
  const arity = rule.head.kind === 'function' ? rule.head.args.length : 0;
  const node = nodeAt(root, path, true) as RuleNode;
  let set = node.ruleSet;
  if (set === undefined) {
    set = { path, kind, rules: [], arity, funcName: `g0.data.${path.join('.')}` };
    node.ruleSet = set;
    sets.push(set);
  } else if (set.kind !== kind) {
    fail('rego_type_error', `conflicting rules data.${path.join('.')} found`, rule.location);
  } else if (set.arity !== arity) {
    fail('rego_type_error', `conflicting rules data.${path.join('.')} found`, rule.location);
  }
  const info: RuleInfo = { rule, module, pkg, keys, setLeaf: rule.head.kind === 'contains' && keys.length > 0 };
  if (rule.default) {
    if (set.defaultRule !== undefined) fail('rego_type_error', `multiple default rules data.${path.join('.')} found`, rule.location);
    set.defaultRule = info;
  } else set.rules.push(info);
}

/** All rule sets at or below a node (a data ref to a package depends on all of them). */
export function setsUnder(n: RuleNode, out: RuleSet[] = []): RuleSet[] {
  if (n.ruleSet) out.push(n.ruleSet);
  for (const c of n.children.values()) setsUnder(c, out);
  return out;
}
