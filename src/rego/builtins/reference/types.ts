// The shape every JS builtin shares: values in, a value or undefined out; BuiltinError on misuse.
import type { Value } from '../../value/value.js';

export interface BuiltinContext {
  /** time.now_ns: fixed for one evaluation, as OPA requires. */
  readonly nowNs: bigint;
}

export type BuiltinImpl = (args: Value[], ctx: BuiltinContext) => Value | undefined;

export interface BuiltinDef {
  readonly name: string;
  /** Number of operands (the result is not counted). */
  readonly arity: number;
  readonly impl: BuiltinImpl;
}
