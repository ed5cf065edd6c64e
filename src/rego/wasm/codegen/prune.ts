// Drops statements whose only effect is to set a local nothing reads. The planner emits such
// chains before every call of a rule (`data.pkg.rule` looked up in the base documents, then
// unused), and each costs runtime calls on every evaluation.
//
// A statement that may fail (DotStmt) breaks out of its block, skipping the rest of it; it is only
// dropped when everything after it in the block is dropped too, and only in blocks whose early
// exit nobody observes: blocks of a BlockStmt or ScanStmt and the top-level blocks of a function
// or plan (all simply continue after the block). NotStmt and WithStmt blocks do observe it (the
// `not` and the `with` result depend on the block running to its end), so their tails are kept.
// Statements that never fail and only write a dead local are dropped anywhere. Calls are always
// kept: they may abort (conflicts, builtin errors).
import type { Block, Func, Local, Operand, Plan, Policy, Stmt } from '../../ir/types.js';

/** Statements that write `target` and have no other effect; they never fail. */
const PURE_WRITES = new Set<Stmt['type']>([
  'ResetLocalStmt',
  'AssignVarStmt',
  'AssignIntStmt',
  'MakeNullStmt',
  'MakeNumberIntStmt',
  'MakeNumberRefStmt',
  'MakeObjectStmt',
  'MakeSetStmt',
  'MakeArrayStmt',
  'LenStmt',
]);

/** Statements that write `target` and otherwise only fail (break) when undefined. */
const FAILING_WRITES = new Set<Stmt['type']>(['DotStmt']);

/** Fields that name a written local; every other local-valued field counts as a read (calls are never dropped, so their results need no liveness). */
const WRITE_FIELDS = new Set(['target', 'result']);

function isOperand(v: unknown): v is Operand {
  return typeof v === 'object' && v !== null && 'type' in v && 'value' in v;
}

function nestedBlocks(s: Stmt): readonly Block[] {
  switch (s.type) {
    case 'BlockStmt':
      return s.stmt.blocks ?? [];
    case 'ScanStmt':
    case 'NotStmt':
    case 'WithStmt':
      return [s.stmt.block];
    default:
      return [];
  }
}

const readsCache = new WeakMap<Stmt, readonly Local[]>();

/** The locals a statement reads itself (not in nested blocks): any local field but a target or call result. */
function readsOf(s: Stmt): readonly Local[] {
  const known = readsCache.get(s);
  if (known !== undefined) return known;
  const reads: Local[] = [];
  for (const [field, v] of Object.entries(s.stmt)) {
    if (field === 'block' || field === 'blocks' || WRITE_FIELDS.has(field)) continue;
    if (s.type === 'ScanStmt' && (field === 'key' || field === 'value')) continue; // written by the scan
    if (typeof v === 'number' && isLocalField(s.type, field)) reads.push(v);
    else if (isOperand(v) && v.type === 'local') reads.push(v.value);
    else if (Array.isArray(v)) for (const a of v) if (isOperand(a) && a.type === 'local') reads.push(a.value);
  }
  if (s.type === 'CallDynamicStmt') reads.push(...s.stmt.args);
  readsCache.set(s, reads);
  return reads;
}

/** Every local read anywhere in the blocks, once per read. */
export function readLocals(blocks: readonly Block[], into: { add(l: Local): unknown }): void {
  for (const block of blocks) {
    for (const s of block.stmts ?? []) {
      for (const l of readsOf(s)) into.add(l);
      readLocals(nestedBlocks(s), into);
    }
  }
}

/** Plain-number fields holding a local (rather than a count, index or string index). */
function isLocalField(type: Stmt['type'], field: string): boolean {
  switch (type) {
    case 'AssignIntStmt':
    case 'MakeNumberIntStmt':
    case 'MakeArrayStmt':
    case 'MakeNumberRefStmt':
    case 'BreakStmt':
      return false;
    default:
      return field !== 'file' && field !== 'row' && field !== 'col';
  }
}

function targetOf(s: Stmt): Local | undefined {
  return 'target' in s.stmt ? (s.stmt as { target: Local }).target : undefined;
}

function isEmptyBlockStmt(s: Stmt): boolean {
  return s.type === 'BlockStmt' && (s.stmt.blocks ?? []).every((b) => (b.stmts ?? []).length === 0);
}

interface Pruner {
  /** How many kept statements read each local; a local nobody reads is dead. */
  readonly reads: Map<Local, number>;
  changed: boolean;
}

function isDead(p: Pruner, target: Local | undefined): boolean {
  return target !== undefined && (p.reads.get(target) ?? 0) === 0;
}

/** Forgets the reads of a dropped statement (and of everything nested in it). */
function forget(p: Pruner, s: Stmt): void {
  for (const l of readsOf(s)) p.reads.set(l, (p.reads.get(l) ?? 1) - 1);
  for (const b of nestedBlocks(s)) for (const n of b.stmts ?? []) forget(p, n);
}

/**
 * Walks backwards, so a statement's readers later in the function are decided before it is:
 * the planner's chains (a lookup feeding a lookup feeding an unused local) go in one pass.
 */
function pruneBlock(p: Pruner, block: Block, tailFree: boolean): Block {
  const stmts = block.stmts ?? [];
  const kept: Stmt[] = [];
  let tailDropped = tailFree;
  for (let i = stmts.length - 1; i >= 0; i--) {
    const s = pruneNested(p, stmts[i]!);
    const target = targetOf(s);
    const drop =
      (PURE_WRITES.has(s.type) && isDead(p, target)) ||
      (tailDropped && FAILING_WRITES.has(s.type) && isDead(p, target)) ||
      isEmptyBlockStmt(s);
    if (drop) {
      forget(p, s);
      p.changed = true;
      continue;
    }
    kept.push(s);
    tailDropped = false;
  }
  kept.reverse();
  return { stmts: kept };
}

function pruneNested(p: Pruner, s: Stmt): Stmt {
  switch (s.type) {
    case 'BlockStmt': {
      const blocks = s.stmt.blocks ?? [];
      const pruned: Block[] = [];
      for (let i = blocks.length - 1; i >= 0; i--) pruned.push(pruneBlock(p, blocks[i]!, true));
      return { type: s.type, stmt: { ...s.stmt, blocks: pruned.reverse() } };
    }
    case 'ScanStmt':
      return { type: s.type, stmt: { ...s.stmt, block: pruneBlock(p, s.stmt.block, true) } };
    case 'NotStmt':
      return { type: s.type, stmt: { ...s.stmt, block: pruneBlock(p, s.stmt.block, false) } };
    case 'WithStmt':
      return { type: s.type, stmt: { ...s.stmt, block: pruneBlock(p, s.stmt.block, false) } };
    default:
      return s;
  }
}

/** Prunes to a fixpoint (loops can need a second pass); read counts are kept up to date as it goes. */
function pruneBlocks(blocks: readonly Block[], alwaysLive: readonly Local[]): Block[] {
  const reads = new Map<Local, number>();
  const count = { add: (l: Local) => reads.set(l, (reads.get(l) ?? 0) + 1) };
  for (const l of alwaysLive) count.add(l);
  readLocals(blocks, count);
  let current = [...blocks];
  for (;;) {
    const p: Pruner = { reads, changed: false };
    const next: Block[] = [];
    for (let i = current.length - 1; i >= 0; i--) next.push(pruneBlock(p, current[i]!, true));
    current = next.reverse();
    if (!p.changed) return current;
  }
}

function pruneFunc(fn: Func): Func {
  return { ...fn, blocks: pruneBlocks(fn.blocks, [...fn.params, fn.return]) };
}

function prunePlan(plan: Plan): Plan {
  return { ...plan, blocks: pruneBlocks(plan.blocks, []) };
}

export function pruneDeadWrites(policy: Policy): Policy {
  return {
    ...policy,
    plans: { plans: policy.plans.plans?.map(prunePlan) ?? null },
    funcs: policy.funcs ? { funcs: policy.funcs.funcs?.map(pruneFunc) ?? null } : policy.funcs,
  };
}
