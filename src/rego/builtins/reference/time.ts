// time.now_ns, constant within one evaluation. The calendar and parsing builtins (time.date,
// time.clock, time.add_date, time.parse_*...) come from the host builtins through the fallback
// (../host-bridge.ts), so the interpreter and the Wasm target share one implementation.
import { RNumber } from '../../value/number.js';
import type { BuiltinDef } from './types.js';

export const timeBuiltins: BuiltinDef[] = [
  { name: 'time.now_ns', arity: 0, impl: (_args, ctx) => RNumber.int(ctx.nowNs) },
  // Tests use it to show that time.now_ns stays fixed; the interpreter never needs to wait.
  { name: 'test.sleep', arity: 1, impl: () => null },
];
