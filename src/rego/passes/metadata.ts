// Annotations (`# METADATA` comment blocks) and the builtins that read them. The blocks are YAML
// attached to the package or rule that follows them; rego.metadata.rule() and
// rego.metadata.chain() depend only on where they are called, so this stage replaces each call
// with the constant it returns (as OPA's compiler rewrites them).
import { parse as parseYaml } from 'yaml';
import type { Comment, Location, Module, Rule, Term } from '../ast/types.js';
import { fail } from './errors.js';
import { packagePath, rulePath } from './ruletree.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Scope = 'rule' | 'document' | 'package' | 'subpackages';

interface Annotation {
  readonly scope: Scope;
  readonly value: { [k: string]: Json };
}

const SCOPES: readonly string[] = ['rule', 'document', 'package', 'subpackages'];

/** `Name <email>` as OPA splits an author string. */
function author(a: Json): Json {
  if (typeof a !== 'string') return a;
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(a.trim());
  if (m === null) return { name: a.trim() };
  const name = (m[1] ?? '').trim();
  return name === '' ? { email: m[2] ?? '' } : { name, email: m[2] ?? '' };
}

function normalise(raw: unknown, defaultScope: Scope, at: Location): Annotation {
  if (raw === null || raw === undefined) return { scope: defaultScope, value: { scope: defaultScope } };
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('rego_parse_error', 'yaml: annotation is not an object', at);
  const value: { [k: string]: Json } = { ...(raw as { [k: string]: Json }) };
  const scope = value['scope'] ?? defaultScope;
  if (typeof scope !== 'string' || !SCOPES.includes(scope)) fail('rego_parse_error', `invalid annotation scope '${String(scope)}'`, at);
  value['scope'] = scope;
  if (Array.isArray(value['authors'])) value['authors'] = value['authors'].map(author);
  else if (typeof value['authors'] === 'string') value['authors'] = [author(value['authors'])];
  if (Array.isArray(value['related_resources'])) {
    value['related_resources'] = value['related_resources'].map((r) => (typeof r === 'string' ? { ref: r } : r));
  }
  return { scope: scope as Scope, value };
}

interface Block {
  readonly endRow: number;
  readonly yaml: string;
  readonly at: Location;
}

/** `# METADATA` followed by the comment lines directly below it. */
function blocks(comments: readonly Comment[]): Block[] {
  const sorted = [...comments].sort((a, b) => a.location.row - b.location.row);
  const out: Block[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i] as Comment;
    if (c.text.trim() !== 'METADATA') continue;
    const lines: string[] = [];
    let row = c.location.row;
    for (let j = i + 1; j < sorted.length && (sorted[j] as Comment).location.row === row + 1; j++, i++) {
      const text = (sorted[j] as Comment).text;
      lines.push(text.startsWith(' ') ? text.slice(1) : text);
      row++;
    }
    out.push({ endRow: row, yaml: lines.join('\n'), at: c.location });
  }
  return out;
}

interface ModuleAnnotations {
  readonly pkg: Annotation[];
  readonly rules: Map<Rule, Annotation[]>;
}

function annotate(m: Module): ModuleAnnotations {
  const result: ModuleAnnotations = { pkg: [], rules: new Map() };
  for (const b of blocks(m.comments)) {
    let raw: unknown;
    try {
      raw = parseYaml(b.yaml);
    } catch (e) {
      fail('rego_parse_error', `yaml: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, b.at);
    }
    // The block belongs to the first statement after it.
    const rule = m.rules.find((r) => r.location.row > b.endRow);
    const pkgRow = m.package.location.row;
    if (pkgRow > b.endRow && (rule === undefined || pkgRow < rule.location.row)) {
      result.pkg.push(normalise(raw, 'package', b.at));
    } else if (rule !== undefined) {
      const list = result.rules.get(rule) ?? [];
      list.push(normalise(raw, 'rule', b.at));
      result.rules.set(rule, list);
    }
  }
  return result;
}

function toTerm(v: Json, location: Location): Term {
  if (v === null) return { type: 'null', location };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, location };
  if (typeof v === 'number') return { type: 'number', value: String(v), location };
  if (typeof v === 'string') return { type: 'string', value: v, location };
  if (v instanceof Date) return { type: 'string', value: (v as Date).toISOString(), location };
  if (Array.isArray(v)) return { type: 'array', value: v.map((x) => toTerm(x, location)), location };
  return { type: 'object', value: Object.entries(v).map(([k, x]) => [{ type: 'string', value: k, location }, toTerm(x, location)] as const), location };
}

interface Context {
  readonly byModule: Map<Module, ModuleAnnotations>;
}

function ruleKey(pkg: readonly string[], r: Rule): string {
  return rulePath(r, pkg).path.join('.');
}

/** rego.metadata.rule(): the rule's own rule-scope annotations, or {}. */
function ruleMetadata(ctx: Context, m: Module, r: Rule): Json {
  const own = (ctx.byModule.get(m)?.rules.get(r) ?? []).find((a) => a.scope === 'rule');
  return own?.value ?? {};
}

/** rego.metadata.chain(): the rule, its document, then its package and the packages above. */
function chainMetadata(ctx: Context, m: Module, r: Rule): Json {
  const pkg = packagePath(m);
  const rulePathParts = rulePath(r, pkg).path;
  const key = ruleKey(pkg, r);
  const out: Json[] = [];
  const own = (ctx.byModule.get(m)?.rules.get(r) ?? []).find((a) => a.scope === 'rule');
  out.push(own ? { annotations: own.value, path: rulePathParts } : { path: rulePathParts });
  for (const [mod, ann] of ctx.byModule) {
    const p = packagePath(mod);
    for (const [rule, list] of ann.rules) {
      if (ruleKey(p, rule) !== key) continue;
      for (const a of list) if (a.scope === 'document') out.push({ annotations: a.value, path: rulePathParts });
    }
  }
  for (let depth = pkg.length; depth >= 1; depth--) {
    const prefix = pkg.slice(0, depth).join('.');
    for (const [mod, ann] of ctx.byModule) {
      if (packagePath(mod).join('.') !== prefix) continue;
      for (const a of ann.pkg) {
        if (a.scope === 'package' && depth === pkg.length) out.push({ annotations: a.value, path: pkg.slice(0, depth) });
        if (a.scope === 'subpackages') out.push({ annotations: a.value, path: pkg.slice(0, depth) });
      }
    }
  }
  return out;
}

function metadataCall(node: unknown): 'rule' | 'chain' | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const op = (node as { operator?: unknown }).operator as Term | undefined;
  if (op === undefined || op.type !== 'ref' || op.head.type !== 'var' || op.head.value !== 'rego') return undefined;
  const names = op.path.map((p) => (p.type === 'string' ? p.value : ''));
  if (names.length !== 2 || names[0] !== 'metadata') return undefined;
  return names[1] === 'rule' || names[1] === 'chain' ? names[1] : undefined;
}

/** Rebuilds an AST subtree with every metadata call replaced by its value. */
function rewrite(node: unknown, value: (kind: 'rule' | 'chain') => Json): unknown {
  if (Array.isArray(node)) return node.map((x) => rewrite(x, value));
  if (node === null || typeof node !== 'object') return node;
  const kind = metadataCall(node);
  const n = node as { type?: string; kind?: string; args?: Term[]; location?: Location; operator: Term };
  if (kind !== undefined && n.type === 'call' && (n.args ?? []).length === 0) return toTerm(value(kind), n.location as Location);
  if (kind !== undefined && n.kind === 'call' && (n.args ?? []).length === 1) {
    // `rego.metadata.rule(x)`: the output argument unifies with the value.
    const at = (n.args?.[0] as Term).location;
    const eq: Term = { type: 'ref', head: { type: 'var', value: 'eq', location: at }, path: [], location: at };
    return { kind: 'call', operator: eq, args: [rewrite(n.args?.[0], value), toTerm(value(kind), at)] };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'location' ? v : rewrite(v, value);
  return out;
}

/** The rule's source text names the builtins (a cheap test that skips almost every rule). */
function mentionsMetadata(r: Rule): boolean {
  return r.location.text.includes('metadata');
}

/** Replaces rego.metadata.rule()/chain() calls in rule heads and bodies by their values. */
export function resolveMetadata(modules: readonly Module[]): Module[] {
  if (!modules.some((m) => m.rules.some(mentionsMetadata))) return [...modules];
  const ctx: Context = { byModule: new Map(modules.map((m) => [m, annotate(m)])) };
  return modules.map((m) => ({
    ...m,
    rules: m.rules.map((r) => {
      if (!mentionsMetadata(r)) return r;
      const value = (kind: 'rule' | 'chain'): Json => (kind === 'rule' ? ruleMetadata(ctx, m, r) : chainMetadata(ctx, m, r));
      return rewrite(r, value) as Rule;
    }),
  }));
}
