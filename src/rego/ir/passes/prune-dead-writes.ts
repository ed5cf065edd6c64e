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
import type { Block, Local, Policy, Stmt } from '../types.js';
import { nestedBlocks, rewriteBodies } from '../walk.js';
import { readCounts, readsOf } from './reads.js';

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
  const reads = readCounts(blocks, alwaysLive);
  let current = [...blocks];
  for (;;) {
    const p: Pruner = { reads, changed: false };
    const next: Block[] = [];
    for (let i = current.length - 1; i >= 0; i--) next.push(pruneBlock(p, current[i]!, true));
    current = next.reverse();
    if (!p.changed) return current;
  }
}

export function pruneDeadWrites(policy: Policy): Policy {
  return rewriteBodies(policy, pruneBlocks);
}
