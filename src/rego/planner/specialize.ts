// `with` on rules and functions reaches the rules that depend on them: under active mocks, a
// call to an affected rule set goes to a variant of its function planned with the same mocks
// (OPA's planner does the same). Only mocks whose value does not depend on local vars can be
// carried into another function; others stay local to the expression.
import type { Term } from '../ast/types.js';
import type { Mock, PTerm } from './context.js';
import type { RuleNode, RuleSet } from '../passes/ruletree.js';
import { operatorName, visitRule } from '../passes/walk.js';
import { walkVars } from '../passes/vars.js';

function portable(v: PTerm): boolean {
  if (v.type === 'local') return false;
  if (v.type === 'var') return true; // a function name such as `count` (locals are rejected by the caller)
  if (v.type === 'ref' && operatorName(v) !== undefined) return true;
  let free = false;
  walkVars(v, () => (free = true), true);
  return !free;
}

/** Names a rule set reads, directly or through the rule sets it depends on. */
export class RefIndex {
  private readonly direct = new Map<RuleSet, Set<string>>();
  private readonly closure = new Map<RuleSet, Set<string>>();

  constructor(private readonly root: RuleNode) {}

  private directRefs(set: RuleSet): Set<string> {
    let out = this.direct.get(set);
    if (out) return out;
    const names = new Set<string>();
    out = names;
    const visit = (t: Term): void => {
      if (t.type === 'ref' && t.head.type === 'var' && t.head.value === 'data') {
        const parts: string[] = [];
        for (const p of t.path) {
          if (p.type !== 'string') break;
          parts.push(p.value);
        }
        names.add(['data', ...parts].join('.'));
      }
    };
    for (const info of set.defaultRule ? [...set.rules, set.defaultRule] : set.rules) {
      visitRule(info.rule, {
        term: visit,
        call: (op) => {
          const n = operatorName(op);
          if (n !== undefined) names.add(n);
        },
      });
    }
    this.direct.set(set, out);
    return out;
  }

  refs(set: RuleSet, depth = 0): Set<string> {
    const hit = this.closure.get(set);
    if (hit) return hit;
    const out = new Set(this.directRefs(set));
    this.closure.set(set, out);
    if (depth > 200) return out;
    for (const name of [...out]) {
      if (!name.startsWith('data.')) continue;
      for (const dep of this.setsFor(name.split('.').slice(1))) {
        if (dep !== set) this.refs(dep, depth + 1).forEach((n) => out.add(n));
      }
    }
    return out;
  }

  private setsFor(path: string[]): RuleSet[] {
    const out: RuleSet[] = [];
    let n: RuleNode | undefined = this.root;
    for (const p of path) {
      if (n.ruleSet) return [n.ruleSet];
      n = n.children.get(p);
      if (!n) return out;
    }
    const all = (x: RuleNode): void => {
      if (x.ruleSet) out.push(x.ruleSet);
      x.children.forEach(all);
    };
    all(n);
    return out;
  }
}

const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** The mocks that matter to `set` and can travel into its function, or none. */
export function relevantMocks(index: RefIndex, set: RuleSet, mocks: ReadonlyMap<string, Mock>): Map<string, Mock> {
  const refs = index.refs(set);
  const out = new Map<string, Mock>();
  for (const [k, m] of mocks) {
    if (!portable(m.value)) continue;
    if ([...refs].some((r) => overlaps(r, k))) out.set(k, m);
  }
  return out;
}

export function mockKey(mocks: ReadonlyMap<string, Mock>): string {
  return JSON.stringify([...mocks].map(([k, m]) => [k, stripLocations(m.value)]).sort());
}

function stripLocations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripLocations);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'location').map(([k, x]) => [k, stripLocations(x)]));
  }
  return v;
}

