// Fuses `CallStmt equal(a, b) -> r; NotEqualStmt r, false` (the planner's shape for `a == b` in a
// rule body) into `EqualStmt a, b`, and likewise `neq` into `NotEqualStmt`: one comparison instead
// of a builtin call that boxes a boolean and a second comparison that unboxes it. Only when r is
// read nowhere else, so dropping its assignment is unobservable. The builtin never returns
// undefined, so the call's own undefined-check never fired.
import type { Block, Local, Operand, Policy, Stmt } from '../types.js';
import { rewriteBodies } from '../walk.js';
import { readCounts } from './reads.js';

const FUSABLE: Readonly<Record<string, 'EqualStmt' | 'NotEqualStmt'>> = { equal: 'EqualStmt', neq: 'NotEqualStmt' };

function isFalse(op: Operand): boolean {
  return op.type === 'bool' && !op.value;
}

function testsResult(s: Stmt | undefined, r: Local): boolean {
  if (s?.type !== 'NotEqualStmt') return false;
  const { a, b } = s.stmt;
  return (a.type === 'local' && a.value === r && isFalse(b)) || (b.type === 'local' && b.value === r && isFalse(a));
}

function fuseBlock(block: Block, reads: ReadonlyMap<Local, number>): Block {
  const stmts = block.stmts ?? [];
  const out: Stmt[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = fuseNested(stmts[i]!, reads);
    if (s.type === 'CallStmt') {
      const fused = FUSABLE[s.stmt.func];
      const args = s.stmt.args ?? [];
      const r = s.stmt.result;
      if (fused !== undefined && args.length === 2 && reads.get(r) === 1 && testsResult(stmts[i + 1], r)) {
        const { file, row, col } = s.stmt;
        out.push({ type: fused, stmt: { a: args[0]!, b: args[1]!, file, row, col } } as Stmt);
        i++;
        continue;
      }
    }
    out.push(s);
  }
  return { stmts: out };
}

function fuseNested(s: Stmt, reads: ReadonlyMap<Local, number>): Stmt {
  switch (s.type) {
    case 'BlockStmt':
      return { type: s.type, stmt: { ...s.stmt, blocks: (s.stmt.blocks ?? []).map((b) => fuseBlock(b, reads)) } };
    case 'ScanStmt':
    case 'NotStmt':
    case 'WithStmt':
      return { ...s, stmt: { ...s.stmt, block: fuseBlock(s.stmt.block, reads) } } as Stmt;
    default:
      return s;
  }
}

function fuseBlocks(blocks: readonly Block[], alwaysRead: readonly Local[]): Block[] {
  const reads = readCounts(blocks, alwaysRead);
  return blocks.map((b) => fuseBlock(b, reads));
}

export function fuseComparisons(policy: Policy): Policy {
  return rewriteBodies(policy, fuseBlocks);
}
