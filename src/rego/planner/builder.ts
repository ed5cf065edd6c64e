// Emission machinery: interned strings, builtin declarations, and per-function statement
// blocks with local allocation. Statements are built as OPA serialises them ({type, stmt}).
import type { Block, Local, Operand, Stmt, StmtOf, StmtType } from '../ir/types.js';

export interface At {
  readonly file: number;
  readonly row: number;
  readonly col: number;
}

export class PolicyBuilder {
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly builtins = new Set<string>();
  readonly files: string[] = [];

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  file(name: string): number {
    const i = this.files.indexOf(name);
    if (i >= 0) return i;
    this.files.push(name);
    return this.files.length - 1;
  }
}

export class FuncBuilder {
  private next: number;
  private readonly stack: Stmt[][] = [[]];
  at: At = { file: 0, row: 1, col: 1 };
  /** Statement budget: hostile policies must not grow the plan without bound. */
  private emitted = 0;

  constructor(
    firstFree: number,
    private readonly limit = 2_000_000,
  ) {
    this.next = firstFree;
  }

  local(): Local {
    return this.next++;
  }

  emit<K extends StmtType>(type: K, fields: Omit<StmtOf<K>, 'file' | 'row' | 'col'>): void {
    if (++this.emitted > this.limit) throw new RangeError('plan too large');
    const stmt = { ...fields, file: this.at.file, col: this.at.col, row: this.at.row };
    (this.stack[this.stack.length - 1] as Stmt[]).push({ type, stmt } as unknown as Stmt);
  }

  /** Runs `f` collecting its statements into a new block. */
  block(f: () => void): Block {
    this.stack.push([]);
    f();
    return { stmts: this.stack.pop() as Stmt[] };
  }

  /** Statements emitted at the top level so far, as one block; resets the top level. */
  take(): Block {
    const stmts = this.stack[0] as Stmt[];
    this.stack[0] = [];
    return { stmts };
  }
}

export const local = (value: Local): Operand => ({ type: 'local', value });
export const bool = (value: boolean): Operand => ({ type: 'bool', value });
export const strOp = (value: number): Operand => ({ type: 'string_index', value });
