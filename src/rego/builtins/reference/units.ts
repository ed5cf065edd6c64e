// units.parse ("10K", "500m", "1Gi") and units.parse_bytes ("10KB", "1KiB"), exact decimals.
import { BuiltinError } from '../../value/errors.js';
import { numMul, RNumber } from '../../value/number.js';
import { str } from './check.js';
import type { BuiltinDef } from './types.js';

const DEC: Record<string, RNumber> = {
  '': RNumber.int(1),
  m: RNumber.of(1n, -3),
  k: RNumber.int(1000),
  K: RNumber.int(1000),
  M: RNumber.int(10n ** 6n),
  G: RNumber.int(10n ** 9n),
  T: RNumber.int(10n ** 12n),
  P: RNumber.int(10n ** 15n),
  E: RNumber.int(10n ** 18n),
};
const BIN: Record<string, RNumber> = {
  ki: RNumber.int(1n << 10n),
  mi: RNumber.int(1n << 20n),
  gi: RNumber.int(1n << 30n),
  ti: RNumber.int(1n << 40n),
  pi: RNumber.int(1n << 50n),
  ei: RNumber.int(1n << 60n),
};

function split(name: string, raw: string): { num: string; unit: string } {
  const s = raw.replace(/"/g, '');
  if (/\s/.test(s)) throw new BuiltinError(name, 'spaces not allowed in resource strings');
  const m = /^([-+]?(?:[0-9.]+(?:[eE][-+]?\d+(?![a-zA-Z]*[0-9]))?)?)(.*)$/.exec(s) as RegExpExecArray;
  const num = m[1] ?? '';
  if (num === '') throw new BuiltinError(name, name === 'units.parse_bytes' ? 'no byte amount provided' : 'no amount provided');
  return { num, unit: m[2] ?? '' };
}

function amount(name: string, num: string): RNumber {
  const t = num.replace(/^([-+]?)\./, '$10.').replace(/\.([eE]|$)/, '.0$1').replace(/^\+/, '');
  const n = RNumber.parse(t);
  if (n === undefined) throw new BuiltinError(name, name === 'units.parse_bytes' ? 'could not parse byte amount to a number' : 'could not parse amount to a number');
  return n;
}

export const unitBuiltins: BuiltinDef[] = [
  {
    name: 'units.parse',
    arity: 1,
    impl: ([v]) => {
      const { num, unit } = split('units.parse', str('units.parse', v, 1));
      const bin = BIN[unit.toLowerCase()];
      const factor = unit.length === 2 && bin ? bin : unit === 'm' ? DEC.m : DEC[unit.toUpperCase()];
      if (factor === undefined) throw new BuiltinError('units.parse', `unknown unit ${unit}`);
      return numMul(amount('units.parse', num), factor);
    },
  },
  {
    name: 'units.parse_bytes',
    arity: 1,
    impl: ([v]) => {
      const { num, unit } = split('units.parse_bytes', str('units.parse_bytes', v, 1));
      const u = unit.toLowerCase().replace(/b$/, '');
      const factor = BIN[u] ?? (u === '' ? RNumber.int(1) : DEC[u.toUpperCase()] ?? (u === 'k' ? DEC.K : undefined));
      if (factor === undefined) throw new BuiltinError('units.parse_bytes', `unknown unit ${unit}`);
      const n = numMul(amount('units.parse_bytes', num), factor);
      if (n === undefined) return undefined;
      // Bytes are whole: Go truncates the product to an integer.
      const scale = n.e < 0 ? 10n ** BigInt(-n.e) : 1n;
      return n.e < 0 ? RNumber.int(n.m / scale) : n;
    },
  },
];
