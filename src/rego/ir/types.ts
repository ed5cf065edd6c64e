// OPA's intermediate representation (ir.Policy), as `opa build -t plan` writes it and as the
// conformance plans in shared/conformance/opa/plans carry it. Field names and casing are OPA's,
// so a plan serialised by OPA and one produced by our planner are the same JSON.

/** Index of a local variable slot. Locals 0 and 1 are input and data by OPA's convention. */
export type Local = number;

export type Operand =
  | { readonly type: 'local'; readonly value: Local }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string_index'; readonly value: number };

export interface Location {
  readonly file: number;
  readonly row: number;
  readonly col: number;
}

interface StmtShapes {
  ArrayAppendStmt: { array: Local; value: Operand };
  AssignIntStmt: { target: Local; value: number };
  AssignVarOnceStmt: { source: Operand; target: Local };
  AssignVarStmt: { source: Operand; target: Local };
  BlockStmt: { blocks: Block[] | null };
  /** Leaves the `index`-th enclosing block (0 = the innermost). */
  BreakStmt: { index: number };
  CallDynamicStmt: { args: Local[]; path: Operand[]; result: Local };
  CallStmt: { func: string; args: Operand[] | null; result: Local };
  DotStmt: { source: Operand; key: Operand; target: Local };
  EqualStmt: { a: Operand; b: Operand };
  IsArrayStmt: { source: Operand };
  IsDefinedStmt: { source: Local };
  IsObjectStmt: { source: Operand };
  IsSetStmt: { source: Operand };
  IsUndefinedStmt: { source: Local };
  LenStmt: { source: Operand; target: Local };
  MakeArrayStmt: { capacity: number; target: Local };
  MakeNullStmt: { target: Local };
  MakeNumberIntStmt: { value: number; target: Local };
  /** `Index` is a string index holding the number's exact decimal text. */
  MakeNumberRefStmt: { Index: number; target: Local };
  MakeObjectStmt: { target: Local };
  MakeSetStmt: { target: Local };
  NopStmt: Record<string, never>;
  NotEqualStmt: { a: Operand; b: Operand };
  NotStmt: { block: Block };
  ObjectInsertOnceStmt: { key: Operand; value: Operand; object: Local };
  ObjectInsertStmt: { key: Operand; value: Operand; object: Local };
  ObjectMergeStmt: { a: Local; b: Local; target: Local };
  ResetLocalStmt: { target: Local };
  ResultSetAddStmt: { value: Local };
  ReturnLocalStmt: { source: Local };
  ScanStmt: { source: Local; key: Local; value: Local; block: Block };
  SetAddStmt: { value: Operand; set: Local };
  WithStmt: { local: Local; path: number[] | null; value: Operand; block: Block };
}

export type StmtType = keyof StmtShapes;

/** A statement, discriminated on `type`, exactly as OPA serialises it: `{type, stmt}`. */
export type Stmt = {
  [K in StmtType]: { readonly type: K; readonly stmt: StmtShapes[K] & Location };
}[StmtType];

export type StmtOf<K extends StmtType> = StmtShapes[K] & Location;

export interface Block {
  readonly stmts: Stmt[] | null;
}

export interface Plan {
  readonly name: string;
  readonly blocks: Block[];
}

export interface Func {
  readonly name: string;
  /** The rule's path, such as ["g0", "a", "b"] for data.a.b; used by CallDynamicStmt. */
  readonly path: string[];
  readonly params: Local[];
  readonly return: Local;
  readonly blocks: Block[];
}

export interface StringConst {
  readonly value: string;
}

export interface BuiltinFunc {
  readonly name: string;
  /** OPA's type declaration of the builtin; carried through, not interpreted by the backend. */
  readonly decl: unknown;
}

export interface Static {
  readonly strings: StringConst[] | null;
  readonly builtin_funcs?: BuiltinFunc[] | null;
  readonly files: StringConst[] | null;
}

export interface Policy {
  readonly static: Static;
  readonly plans: { readonly plans: Plan[] | null };
  readonly funcs?: { readonly funcs: Func[] | null } | null;
}

/** Locals with fixed meaning in every plan and function (OPA's planner reserves them). */
export const INPUT_LOCAL: Local = 0;
export const DATA_LOCAL: Local = 1;
