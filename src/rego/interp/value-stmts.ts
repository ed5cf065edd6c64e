// The statements that only compute values (make, read, compare, insert): no control flow, no
// calls, no errors. A failing one returns 0 (leave the innermost block).
import type { Operand, Stmt } from '../ir/types.js';
import { dot, length, merge } from '../value/ops.js';
import { RNumber, RObject, RSet, equal, type Value } from '../value/value.js';

const NORMAL = -1;

export function execValueStmt(s: Stmt, L: (Value | undefined)[], read: (op: Operand) => Value | undefined): number {
  switch (s.type) {
    case 'ArrayAppendStmt': {
      const a = L[s.stmt.array];
      const v = read(s.stmt.value);
      if (!Array.isArray(a) || v === undefined) return 0;
      a.push(v);
      return NORMAL;
    }
    case 'AssignIntStmt':
      L[s.stmt.target] = RNumber.int(s.stmt.value);
      return NORMAL;
    case 'AssignVarStmt':
      L[s.stmt.target] = read(s.stmt.source);
      return NORMAL;
    case 'DotStmt': {
      const src = read(s.stmt.source);
      const key = read(s.stmt.key);
      if (src === undefined || key === undefined) return 0;
      const v = dot(src, key);
      if (v === undefined) return 0;
      L[s.stmt.target] = v;
      return NORMAL;
    }
    case 'EqualStmt': {
      const a = read(s.stmt.a);
      const b = read(s.stmt.b);
      return a !== undefined && b !== undefined && equal(a, b) ? NORMAL : 0;
    }
    case 'NotEqualStmt': {
      const a = read(s.stmt.a);
      const b = read(s.stmt.b);
      return a !== undefined && b !== undefined && !equal(a, b) ? NORMAL : 0;
    }
    case 'IsArrayStmt':
      return Array.isArray(read(s.stmt.source)) ? NORMAL : 0;
    case 'IsObjectStmt':
      return read(s.stmt.source) instanceof RObject ? NORMAL : 0;
    case 'IsSetStmt':
      return read(s.stmt.source) instanceof RSet ? NORMAL : 0;
    case 'IsDefinedStmt':
      return L[s.stmt.source] !== undefined ? NORMAL : 0;
    case 'IsUndefinedStmt':
      return L[s.stmt.source] === undefined ? NORMAL : 0;
    case 'LenStmt': {
      const n = length(read(s.stmt.source));
      if (n === undefined) return 0;
      L[s.stmt.target] = RNumber.int(n);
      return NORMAL;
    }
    case 'MakeArrayStmt':
      L[s.stmt.target] = [];
      return NORMAL;
    case 'MakeNullStmt':
      L[s.stmt.target] = null;
      return NORMAL;
    case 'MakeNumberIntStmt':
      L[s.stmt.target] = RNumber.int(s.stmt.value);
      return NORMAL;
    case 'MakeObjectStmt':
      L[s.stmt.target] = new RObject();
      return NORMAL;
    case 'MakeSetStmt':
      L[s.stmt.target] = new RSet();
      return NORMAL;
    case 'NopStmt':
      return NORMAL;
    case 'ObjectInsertStmt': {
      const o = L[s.stmt.object];
      const k = read(s.stmt.key);
      const v = read(s.stmt.value);
      if (!(o instanceof RObject) || k === undefined || v === undefined) return 0;
      o.set(k, v);
      return NORMAL;
    }
    case 'ObjectMergeStmt':
      L[s.stmt.target] = merge(L[s.stmt.a], L[s.stmt.b]);
      return NORMAL;
    case 'ResetLocalStmt':
      L[s.stmt.target] = undefined;
      return NORMAL;
    case 'SetAddStmt': {
      const set = L[s.stmt.set];
      const v = read(s.stmt.value);
      if (!(set instanceof RSet) || v === undefined) return 0;
      set.add(v);
      return NORMAL;
    }
    default:
      throw new Error(`unhandled statement ${s.type}`);
  }
}
