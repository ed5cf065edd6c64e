// Evaluation errors, matched by code as OPA's topdown errors are.

export type EvalErrorCode =
  | 'eval_conflict_error'
  | 'eval_builtin_error'
  | 'eval_type_error'
  | 'eval_internal_error';

export class EvalError extends Error {
  constructor(
    readonly code: EvalErrorCode,
    message: string,
    readonly location?: { file: string; row: number; col: number },
  ) {
    const where = location ? `${location.file}:${location.row}: ` : '';
    super(`${where}${code}: ${message}`);
    this.name = 'EvalError';
  }
}

/** Thrown by a builtin on bad operands; undefined on the Wasm target unless strict. */
export class BuiltinError extends Error {
  constructor(
    readonly builtin: string,
    message: string,
  ) {
    super(`${builtin}: ${message}`);
    this.name = 'BuiltinError';
  }
}
