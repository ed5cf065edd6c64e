// bits.and/or/xor/negate/lsh/rsh on integers of any size.
import { RNumber } from '../../value/number.js';
import { BuiltinError } from '../../value/errors.js';
import { num } from './check.js';
import type { Value } from '../../value/value.js';
import type { BuiltinDef } from './types.js';

function big(name: string, v: Value | undefined, pos: number): bigint {
  const b = num(name, v, pos).toBigInt();
  if (b === undefined || !num(name, v, pos).isInt()) throw new BuiltinError(name, `operand ${pos} must be integer`);
  return b;
}

const bin = (name: string, f: (a: bigint, b: bigint) => bigint): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([a, b]) => RNumber.int(f(big(name, a, 1), big(name, b, 2))),
});

export const bitBuiltins: BuiltinDef[] = [
  bin('bits.and', (a, b) => a & b),
  bin('bits.or', (a, b) => a | b),
  bin('bits.xor', (a, b) => a ^ b),
  bin('bits.lsh', (a, b) => {
    if (b < 0n) throw new BuiltinError('bits.lsh', 'operand 2 must be an unsigned integer');
    if (b > 100000n) throw new BuiltinError('bits.lsh', 'shift too large');
    return a << b;
  }),
  bin('bits.rsh', (a, b) => {
    if (b < 0n) throw new BuiltinError('bits.rsh', 'operand 2 must be an unsigned integer');
    return a >> b;
  }),
  { name: 'bits.negate', arity: 1, impl: ([a]) => RNumber.int(~big('bits.negate', a, 1)) },
];
