// Which locals the statements of a body read, for the passes that drop or merge writes.
import type { Block, Local, Operand, Stmt } from '../types.js';
import { nestedBlocks } from '../walk.js';

/** Fields that name a written local; every other local-valued field counts as a read (calls are never dropped, so their results need no liveness). */
const WRITE_FIELDS = new Set(['target', 'result']);

function isOperand(v: unknown): v is Operand {
  return typeof v === 'object' && v !== null && 'type' in v && 'value' in v;
}

const readsCache = new WeakMap<Stmt, readonly Local[]>();

/** The locals a statement reads itself (not in nested blocks): any local field but a target or call result. */
export function readsOf(s: Stmt): readonly Local[] {
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

/** How many reads each local has in the blocks; `alwaysRead` (a function's parameters and return) count once more. */
export function readCounts(blocks: readonly Block[], alwaysRead: readonly Local[]): Map<Local, number> {
  const reads = new Map<Local, number>();
  const count = { add: (l: Local) => reads.set(l, (reads.get(l) ?? 0) + 1) };
  for (const l of alwaysRead) count.add(l);
  readLocals(blocks, count);
  return reads;
}
