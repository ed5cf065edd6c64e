// The compiler's stages as an ordered, named table (OPA's NewCompiler style). Each stage reads
// and extends the CompileState; the order matters and the comments say why.
import type { Body, Module, RefTerm } from '../ast/types.js';
import { arityOf, checkCalls } from './check-calls.js';
import { checkSafety } from './check-safety.js';
import { resolveMetadata } from './metadata.js';
import { checkRecursion } from './recursion.js';
import { resolveModules, resolveQuery } from './resolve.js';
import { buildRuleTree, newNode, type RuleNode, type RuleSet } from './ruletree.js';

export interface CompileState {
  modules: Module[];
  query: Body | undefined;
  root: RuleNode;
  sets: RuleSet[];
}

export interface Pass {
  readonly name: string;
  readonly run: (s: CompileState) => void;
}

export const PASSES: readonly Pass[] = [
  // First: names resolve against the package's rules and the module's imports, which every
  // later stage needs to tell a rule reference from a local var.
  { name: 'resolveRefs', run: (s) => ((s.modules = resolveModules(s.modules)), s.query && (s.query = resolveQuery(s.query))) },
  // rego.metadata.rule()/chain() are constants of where they are called: fold them in before the
  // call checks (which do not know them) and planning.
  { name: 'resolveMetadata', run: (s) => (s.modules = resolveMetadata(s.modules)) },
  // Rule paths need resolved heads only for their keys; kind conflicts are reported here.
  { name: 'buildRuleTree', run: (s) => Object.assign(s, buildRuleTree(s.modules)) },
  // Needs the rule tree to know user functions' arities.
  { name: 'checkCalls', run: (s) => checkCalls(s.root, s.modules, s.query) },
  // Needs resolved refs (data.x.y) to build the dependency graph.
  { name: 'checkRecursion', run: (s) => checkRecursion(s.root, s.sets) },
  // Needs resolved refs (a rule name is not an unsafe var) and arities (output arguments bind).
  // Nested bodies are ordered again by the planner, which knows their enclosing scope.
  { name: 'checkSafety', run: (s) => checkSafety(s.modules, (op) => arityOf(s.root, op as RefTerm)) },
];

export function runPasses(modules: readonly Module[], query: Body | undefined, passes: readonly Pass[] = PASSES): CompileState {
  const s: CompileState = { modules: [...modules], query, root: newNode(), sets: [] };
  for (const p of passes) p.run(s);
  return s;
}
