// time.now_ns (constant within one evaluation) and a few pure time helpers.
import { BuiltinError } from '../ir/interp/errors.js';
import { RNumber } from '../ir/interp/number.js';
import { str } from './check.js';
import { calendarBuiltins, checkInt64 } from './time-calendar.js';
import type { BuiltinDef } from './types.js';

export const timeBuiltins: BuiltinDef[] = [
  ...calendarBuiltins,
  { name: 'time.now_ns', arity: 0, impl: (_args, ctx) => RNumber.int(ctx.nowNs) },
  // Tests use it to show that time.now_ns stays fixed; the interpreter never needs to wait.
  { name: 'test.sleep', arity: 1, impl: () => null },
  {
    name: 'time.parse_rfc3339_ns',
    arity: 1,
    impl: ([s]) => {
      const text = str('time.parse_rfc3339_ns', s, 1);
      const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
      if (!m) throw new BuiltinError('time.parse_rfc3339_ns', `cannot parse "${text}"`);
      const ms = Date.parse(`${m[1]}${m[3]}`);
      if (Number.isNaN(ms)) throw new BuiltinError('time.parse_rfc3339_ns', `cannot parse "${text}"`);
      const frac = BigInt(((m[2] ?? '.').slice(1) + '000000000').slice(0, 9));
      return RNumber.int(checkInt64('time.parse_rfc3339_ns', BigInt(ms) * 1_000_000n + frac));
    },
  },
];
