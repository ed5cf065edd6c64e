// plus, minus, mul, div, rem and rounding, exact on RNumber; `minus` on sets is difference.
import { BuiltinError } from '../../value/errors.js';
import { numAdd, numDiv, numMul, numRem, numSub, RNumber } from '../../value/number.js';
import { RSet, typeName } from '../../value/value.js';
import { int, num } from './check.js';
import type { BuiltinDef } from './types.js';

const bin = (name: string, op: (a: RNumber, b: RNumber) => RNumber | undefined): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([a, b]) => op(num(name, a, 1), num(name, b, 2)),
});

function minus(name: string): BuiltinDef {
  return {
    name,
    arity: 2,
    impl: ([a, b]) => {
      if (a instanceof RSet && b instanceof RSet) {
        const out = new RSet();
        for (const v of a.sorted()) if (!b.has(v)) out.add(v);
        return out;
      }
      if (a instanceof RNumber && b instanceof RNumber) return numSub(a, b);
      throw new BuiltinError(name, `operand types must be numbers or sets, got ${typeName(a ?? null)}`);
    },
  };
}

function roundHalfAway(n: RNumber): RNumber {
  if (n.isInt()) return n;
  const scale = 10n ** BigInt(-n.e);
  const abs = n.m < 0n ? -n.m : n.m;
  let q = abs / scale;
  if ((abs % scale) * 2n >= scale) q += 1n;
  return RNumber.int(n.m < 0n ? -q : q);
}

function floorOf(n: RNumber): RNumber {
  if (n.isInt()) return n;
  const scale = 10n ** BigInt(-n.e);
  let q = n.m / scale;
  if (n.m < 0n && q * scale !== n.m) q -= 1n;
  return RNumber.int(q);
}

const unary = (name: string, op: (n: RNumber) => RNumber | undefined): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([a]) => op(num(name, a, 1)),
});

function range(name: string, a: number, b: number, step: number): RNumber[] {
  if (step <= 0) throw new BuiltinError(name, 'step must be a positive number above zero');
  if (Math.abs(b - a) / step > 10_000_000) throw new BuiltinError(name, 'range too large');
  const out: RNumber[] = [];
  if (a <= b) for (let i = a; i <= b; i += step) out.push(RNumber.int(i));
  else for (let i = a; i >= b; i -= step) out.push(RNumber.int(i));
  return out;
}

export const arithmeticBuiltins: BuiltinDef[] = [
  bin('plus', numAdd),
  minus('minus'),
  bin('mul', numMul),
  {
    name: 'div',
    arity: 2,
    impl: ([a, b]) => {
      const y = num('div', b, 2);
      if (y.sign() === 0) throw new BuiltinError('div', 'divide by zero');
      return numDiv(num('div', a, 1), y);
    },
  },
  {
    name: 'rem',
    arity: 2,
    impl: ([a, b]) => {
      const x = num('rem', a, 1);
      const y = num('rem', b, 2);
      if (y.sign() === 0) throw new BuiltinError('rem', 'modulo by zero');
      if (!x.isInt() || !y.isInt()) throw new BuiltinError('rem', 'modulo on floating-point number');
      return numRem(x, y);
    },
  },
  unary('abs', (n) => (n.sign() < 0 ? RNumber.of(-n.m, n.e) : n)),
  unary('round', roundHalfAway),
  unary('floor', floorOf),
  unary('ceil', (n) => {
    const f = floorOf(n);
    return f === n || numSub(n, f)?.sign() === 0 ? f : numAdd(f, RNumber.int(1));
  }),
  {
    name: 'numbers.range',
    arity: 2,
    impl: ([a, b]) => range('numbers.range', int('numbers.range', a, 1), int('numbers.range', b, 2), 1),
  },
  {
    name: 'numbers.range_step',
    arity: 3,
    impl: ([a, b, s]) =>
      range('numbers.range_step', int('numbers.range_step', a, 1), int('numbers.range_step', b, 2), int('numbers.range_step', s, 3)),
  },
];
