// CONTRACT: the Rego AST that the parser produces and the compiler passes and planner consume.
// Other stages code against these shapes, so this file only grows: add fields and union members,
// never rename or remove. The design mirrors OPA's v1/ast package (Module, Rule, Head, Body, Expr,
// Term) so OPA's compiler stages can be followed step by step, but the shapes are TypeScript
// discriminated unions rather than Go interfaces.
//
// Conventions the parser guarantees (passes may rely on them):
// - Every node has a `location`; `text` is the exact source slice of the node.
// - Infix operators are already desugared into calls named as OPA names them (see `Operator`).
// - `_` never reaches the AST: each occurrence becomes a distinct wildcard var `$0`, `$1`, ...
//   (numbered per parse), as OPA's parser does, so wildcards never unify with each other.
// - Numbers keep their source text (`1e400`, `0.1`, `123456789012345678901234567890`); arithmetic
//   precision is the planner's and runtime's business, not the parser's.
// - A unary minus applied to a number literal is folded into the literal (`-1` is the number
//   "-1", `-.5` is "-0.5"; a leading `.` gains a `0`).
// - Rules without a body get the body `[true]` and rules without a value get the value `true`,
//   as in OPA, with `generated: true` on the synthesized terms.
// - Parentheses leave no node: `(a + b)` is the plus call itself. `set()` is an empty SetTerm,
//   not a call. A top-level call in a body (`f(x)`, `x == 1`) is an Expr of kind `call`, while a
//   call nested in a term stays a CallTerm, as in OPA.
// - `import rego.v1` and `import future.keywords...` are validated and kept in `imports`; they
//   change nothing (every v1 keyword is always on), so passes may ignore them.

/** Source position. `row` and `col` are 1-based; `col` counts UTF-16 code units. */
export interface Location {
  readonly file: string;
  readonly row: number;
  readonly col: number;
  /** The exact source text of the node. */
  readonly text: string;
}

interface Node {
  readonly location: Location;
}

// ---------------------------------------------------------------------------------------------
// Terms (OPA's JSON AST uses the same `type` names)

export interface NullTerm extends Node { readonly type: 'null'; readonly generated?: boolean }
export interface BooleanTerm extends Node {
  readonly type: 'boolean';
  readonly value: boolean;
  /** True when the parser synthesized it (implicit rule value or body), not read from source. */
  readonly generated?: boolean;
}
/** `value` is the literal's source text, sign included (`-1.5e3`): any size, never rounded. */
export interface NumberTerm extends Node { readonly type: 'number'; readonly value: string; readonly generated?: boolean }
/** `value` is decoded (JSON escapes resolved; raw `...` strings taken verbatim). */
export interface StringTerm extends Node { readonly type: 'string'; readonly value: string; readonly generated?: boolean }
/** A variable. `input` and `data` are vars too; they gain meaning as ref heads. */
export interface VarTerm extends Node { readonly type: 'var'; readonly value: string; readonly generated?: boolean }

/**
 * A reference: `head` followed by `path`. `a.b` gives path [string "b"]; `a[x]` gives path [var x].
 * `head` is a var for ordinary refs (`input`, `data`, a local, a rule name), but may also be a
 * composite, comprehension or call: `[1, 2][0]`, `f(x).y`.
 */
export interface RefTerm extends Node {
  readonly type: 'ref';
  readonly head: Term;
  readonly path: readonly Term[];
  readonly generated?: boolean;
}

export interface ArrayTerm extends Node { readonly type: 'array'; readonly value: readonly Term[] }
/** Element order is source order; duplicates are kept (the compiler/runtime dedupe). */
export interface SetTerm extends Node { readonly type: 'set'; readonly value: readonly Term[] }
/** Key/value pairs in source order. `{}` is the empty object; the empty set is `set()` (a call). */
export interface ObjectTerm extends Node {
  readonly type: 'object';
  readonly value: readonly (readonly [key: Term, value: Term])[];
}

export interface ArrayComprehensionTerm extends Node {
  readonly type: 'arraycomprehension';
  readonly term: Term;
  readonly body: Body;
}
export interface SetComprehensionTerm extends Node {
  readonly type: 'setcomprehension';
  readonly term: Term;
  readonly body: Body;
}
export interface ObjectComprehensionTerm extends Node {
  readonly type: 'objectcomprehension';
  readonly key: Term;
  readonly value: Term;
  readonly body: Body;
}

/**
 * A call used as a value (`x := count(xs)`, `f(g(x))`). `operator` is a ref of vars/strings
 * naming the function: `count` is ref(head var "count", path []), `data.lib.f` and
 * `internal.member_2` are refs with string path elements.
 */
export interface CallTerm extends Node {
  readonly type: 'call';
  readonly operator: RefTerm;
  readonly args: readonly Term[];
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehensionTerm
  | SetComprehensionTerm
  | ObjectComprehensionTerm
  | CallTerm;

export type TermType = Term['type'];

/** Scalars: the terms that are ground by construction. */
export type ScalarTerm = NullTerm | BooleanTerm | NumberTerm | StringTerm;

// ---------------------------------------------------------------------------------------------
// Operators: OPA's builtin names that infix syntax desugars to.

export const INFIX_OPERATORS = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
  ':=': 'assign',
  '=': 'eq',
} as const;

export type InfixToken = keyof typeof INFIX_OPERATORS;
/**
 * Operator names produced by desugaring. `x in xs` is `internal.member_2(x, xs)` and
 * `k, v in xs` is `internal.member_3(k, v, xs)` (operator refs `internal` + path "member_2"/"member_3").
 */
export type Operator = (typeof INFIX_OPERATORS)[InfixToken] | 'internal.member_2' | 'internal.member_3';

// ---------------------------------------------------------------------------------------------
// Expressions and bodies

/** `some x, y` declares locals; `some k, v in xs` / `some x in xs` iterates (key absent for one). */
export type SomeDecl =
  | { readonly kind: 'vars'; readonly vars: readonly VarTerm[]; readonly location: Location }
  | {
      readonly kind: 'in';
      readonly key?: Term;
      readonly value: Term;
      readonly collection: Term;
      readonly location: Location;
    };

/** `every k, v in domain { body }` (key absent for `every v in domain`). */
export interface Every extends Node {
  readonly key?: Term;
  readonly value: Term;
  readonly domain: Term;
  readonly body: Body;
}

/** What an expression consists of. `call` covers desugared infix operators too. */
export type ExprTerms =
  | { readonly kind: 'term'; readonly term: Term }
  | { readonly kind: 'call'; readonly operator: RefTerm; readonly args: readonly Term[] }
  | { readonly kind: 'some'; readonly decl: SomeDecl }
  | { readonly kind: 'every'; readonly every: Every };

/** `... with target as value`. `target` is a ref (`input.x`, `data.a.b`, a function ref like `count`). */
export interface With extends Node {
  readonly target: Term;
  readonly value: Term;
}

export interface Expr extends Node {
  readonly terms: ExprTerms;
  /** `not expr`. */
  readonly negated: boolean;
  readonly with: readonly With[];
  /** Position within the enclosing body, 0-based. */
  readonly index: number;
  readonly generated?: boolean;
}

/** A query: expressions joined by `;` or newlines. Never empty after parsing. */
export type Body = readonly Expr[];

// ---------------------------------------------------------------------------------------------
// Rules and modules

/**
 * `p := v`, `p = v`, `p if ...` (value true), `p[k] := v`, `a.b.c := v`.
 * `ref` is the whole rule ref (`a.b[x]` is ref(var a, [string b, var x])); treat `ref` as the
 * source of truth for what the rule defines.
 * `key` mirrors OPA's legacy Head.Key: set only when `ref` has exactly one path element, and
 * then if the rule has no `if` (`p["a"] := 1`, `p.a := 1`) or the element is not ground
 * (`p[k] := v if ...`, `p[x] if ...`). `p.a := 1 if true` has no key.
 */
export interface ValueHead extends Node {
  readonly kind: 'value';
  readonly ref: RefTerm;
  readonly key?: Term;
  readonly value: Term;
  /** `:=` (true) vs `=` or an implicit `true` value (false). */
  readonly assign: boolean;
}

/** `p contains x`, `a.b contains x`: multi-value (partial set) rule. */
export interface ContainsHead extends Node {
  readonly kind: 'contains';
  readonly ref: RefTerm;
  readonly key: Term;
}

/** `f(x, y) := v` / `f(x) if ...` (value true). */
export interface FunctionHead extends Node {
  readonly kind: 'function';
  readonly ref: RefTerm;
  readonly args: readonly Term[];
  readonly value: Term;
  readonly assign: boolean;
}

export type RuleHead = ValueHead | ContainsHead | FunctionHead;

export interface Rule extends Node {
  readonly default: boolean;
  readonly head: RuleHead;
  readonly body: Body;
  /** `else` chain: each link has the same ref/args as this rule and its own value and body. */
  readonly else?: Rule;
}

export interface Package extends Node {
  /** Always rooted at `data`: `package a.b` is ref(var data, [string a, string b]). */
  readonly path: RefTerm;
}

export interface Import extends Node {
  /** `data.x.y`, `input.x`, `future.keywords.in`, `rego.v1` (the last two are accepted no-ops). */
  readonly path: RefTerm;
  readonly alias?: string;
}

export interface Comment extends Node {
  /** Text after `#`. */
  readonly text: string;
}

export interface Module {
  readonly file: string;
  readonly package: Package;
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  readonly comments: readonly Comment[];
}
