// Walking IR: the blocks nested in a statement, a visit of every statement, and a rewrite of every
// function's and plan's body.
import type { Block, Local, Policy, Stmt } from './types.js';

/** The blocks a statement holds (BlockStmt, ScanStmt, NotStmt, WithStmt); none for the others. */
export function nestedBlocks(s: Stmt): readonly Block[] {
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

/** Visits every statement of the blocks, nested ones after the statement holding them. */
export function forEachStmt(blocks: readonly Block[], visit: (s: Stmt) => void): void {
  for (const block of blocks) {
    for (const s of block.stmts ?? []) {
      visit(s);
      forEachStmt(nestedBlocks(s), visit);
    }
  }
}

/**
 * A policy whose functions' and plans' blocks are rewritten by `rewrite`, which also gets the
 * locals read after the blocks end (a function's parameters and return; none for a plan).
 */
export function rewriteBodies(policy: Policy, rewrite: (blocks: readonly Block[], readAfter: readonly Local[]) => Block[]): Policy {
  return {
    ...policy,
    plans: { plans: policy.plans.plans?.map((plan) => ({ ...plan, blocks: rewrite(plan.blocks, []) })) ?? null },
    funcs: policy.funcs
      ? { funcs: policy.funcs.funcs?.map((fn) => ({ ...fn, blocks: rewrite(fn.blocks, [...fn.params, fn.return]) })) ?? null }
      : policy.funcs,
  };
}
