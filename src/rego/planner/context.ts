// Planning context: the function being built, the var scope, and what the whole policy shares
// (rule tree, builder, `with` mocks). Scopes are chained so nested bodies (comprehensions,
// negations, every) can shadow and discard bindings.
import type { Location, Term } from '../ast/types.js';
import type { Local } from '../ir/types.js';
import type { RuleNode } from '../passes/ruletree.js';
import type { FuncBuilder, PolicyBuilder } from './builder.js';

/** A planner-internal term standing for a value already held in a local. */
export interface LocalTerm {
  readonly type: 'local';
  readonly local: Local;
  readonly location: Location;
}

export type PTerm = Term | LocalTerm;

export class Scope {
  private readonly vars = new Map<string, Local | null>();

  constructor(readonly parent?: Scope) {}

  lookup(name: string): Local | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v === null) return undefined;
      if (v !== undefined) return v;
    }
    return undefined;
  }

  bind(name: string, l: Local): void {
    this.vars.set(name, l);
  }

  /** `some x`: x is a new, unbound var here even if an outer scope binds x. */
  declare(name: string): void {
    this.vars.set(name, null);
  }

  boundNames(): Set<string> {
    const out = new Set<string>();
    const chain: Scope[] = [];
    for (let s: Scope | undefined = this; s; s = s.parent) chain.unshift(s);
    for (const s of chain) {
      for (const [k, v] of s.vars) {
        if (v === null) out.delete(k);
        else out.add(k);
      }
    }
    return out;
  }
}

/** A `with` replacement active while planning a body: a data path or a function name. */
export interface Mock {
  readonly value: PTerm;
}

export interface Shared {
  readonly policy: PolicyBuilder;
  readonly root: RuleNode;
  /** File index per module file name. */
  readonly fileIndex: (file: string) => number;
  readonly isBuiltin: (name: string) => boolean;
  /** Function name to call for `set` under the active mocks (a specialised variant if needed). */
  readonly funcFor: (set: import('../passes/ruletree.js').RuleSet, mocks: ReadonlyMap<string, Mock>) => string;
  /** Operand count of a callable (for output-argument calls), or undefined. */
  readonly arity: (op: import('../ast/types.js').RefTerm) => number | undefined;
}

export class Ctx {
  constructor(
    readonly shared: Shared,
    readonly fb: FuncBuilder,
    public scope: Scope,
    readonly mocks: ReadonlyMap<string, Mock> = new Map(),
  ) {}

  /** Runs `f` with a child scope, restoring the current one afterwards. */
  nested<T>(f: () => T): T {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      return f();
    } finally {
      this.scope = saved;
    }
  }

  withMocks(extra: ReadonlyMap<string, Mock>): Ctx {
    const c = new Ctx(this.shared, this.fb, this.scope, new Map([...this.mocks, ...extra]));
    return c;
  }

  /** Inside a replacement function, the name it replaces means the original again. */
  withoutMock(name: string): Ctx {
    const m = new Map(this.mocks);
    m.delete(name);
    return new Ctx(this.shared, this.fb, this.scope, m);
  }

  setAt(loc: Location): void {
    this.fb.at = { file: this.shared.fileIndex(loc.file), row: loc.row, col: loc.col };
  }
}
