// Lookups worth computing once per call: a function's rule bodies each re-read the same input
// paths (`input.action`, `input.resource.upstream`...), and every DotStmt is a runtime call with a
// key search. A DotStmt is cached when its result can only ever be one value during the call:
// its source is a parameter the function never writes (input, data, or an argument), or the target
// of another cached DotStmt, its key is a constant, and its own target is written by it alone.
// Values are immutable once built, so the same (source, key) always yields the same result.
import type { Func, Local, Stmt, StmtOf } from '../types.js';
import { forEachStmt } from '../walk.js';

/** DotStmt -> the path it reads, as a cache key shared by every DotStmt of the same path. */
export type DotPaths = ReadonlyMap<StmtOf<'DotStmt'>, string>;

/** Locals a statement assigns or mutates in place. */
function writes(s: Stmt): Local[] {
  switch (s.type) {
    case 'ScanStmt':
      return [s.stmt.key, s.stmt.value];
    case 'CallStmt':
    case 'CallDynamicStmt':
      return [s.stmt.result];
    case 'WithStmt':
      return [s.stmt.local];
    case 'ObjectInsertStmt':
    case 'ObjectInsertOnceStmt':
      return [s.stmt.object];
    case 'SetAddStmt':
      return [s.stmt.set];
    case 'ArrayAppendStmt':
      return [s.stmt.array];
    default:
      return 'target' in s.stmt ? [(s.stmt as { target: Local }).target] : [];
  }
}

export function cachedDotPaths(fn: Func): DotPaths {
  const writeCount = new Map<Local, number>();
  const dots: StmtOf<'DotStmt'>[] = [];
  forEachStmt(fn.blocks, (s) => {
    for (const l of writes(s)) writeCount.set(l, (writeCount.get(l) ?? 0) + 1);
    if (s.type === 'DotStmt') dots.push(s.stmt);
  });
  // Invariant locals and the path each holds.
  const pathOf = new Map<Local, string>();
  for (const p of fn.params) if (!writeCount.has(p)) pathOf.set(p, `p${p}`);
  const out = new Map<StmtOf<'DotStmt'>, string>();
  // A chain a.b.c resolves one link per round; statements may appear in any order.
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of dots) {
      if (out.has(d) || d.source.type !== 'local' || d.key.type !== 'string_index') continue;
      const base = pathOf.get(d.source.value);
      if (base === undefined) continue;
      const path = `${base}.${d.key.value}`;
      out.set(d, path);
      if (writeCount.get(d.target) === 1) pathOf.set(d.target, path);
      changed = true;
    }
  }
  return out;
}
