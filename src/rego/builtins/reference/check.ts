// Operand checks shared by the builtin families; they throw BuiltinError as OPA's
// builtins return "operand N must be T" errors.
import { BuiltinError } from '../../value/errors.js';
import { RNumber, RObject, RSet, typeName, type Value } from '../../value/value.js';

export function str(name: string, v: Value | undefined, pos: number): string {
  if (typeof v !== 'string') throw new BuiltinError(name, `operand ${pos} must be string but got ${typeName(v ?? null)}`);
  return v;
}

export function num(name: string, v: Value | undefined, pos: number): RNumber {
  if (!(v instanceof RNumber)) throw new BuiltinError(name, `operand ${pos} must be number but got ${typeName(v ?? null)}`);
  return v;
}

export function int(name: string, v: Value | undefined, pos: number): number {
  const n = num(name, v, pos);
  const b = n.toBigInt();
  if (b === undefined) throw new BuiltinError(name, `operand ${pos} must be integer`);
  return Number(b);
}

export function arr(name: string, v: Value | undefined, pos: number): Value[] {
  if (!Array.isArray(v)) throw new BuiltinError(name, `operand ${pos} must be array but got ${typeName(v ?? null)}`);
  return v;
}

export function obj(name: string, v: Value | undefined, pos: number): RObject {
  if (!(v instanceof RObject)) throw new BuiltinError(name, `operand ${pos} must be object but got ${typeName(v ?? null)}`);
  return v;
}

export function set(name: string, v: Value | undefined, pos: number): RSet {
  if (!(v instanceof RSet)) throw new BuiltinError(name, `operand ${pos} must be set but got ${typeName(v ?? null)}`);
  return v;
}

/** Elements of an array or set (the "collection" operands of many builtins). */
export function elems(name: string, v: Value | undefined, pos: number): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  throw new BuiltinError(name, `operand ${pos} must be one of {array, set} but got ${typeName(v ?? null)}`);
}
