// time.date, time.clock, time.weekday, time.add_date, time.parse_duration_ns. Time zones come
// from the platform's IANA data via Intl; nanoseconds are int64 as in Go.
import { BuiltinError } from '../ir/interp/errors.js';
import { RNumber } from '../ir/interp/number.js';
import type { Value } from '../ir/interp/value.js';
import { int, num, str } from './check.js';
import type { BuiltinDef } from './types.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export function checkInt64(name: string, ns: bigint): bigint {
  if (ns > INT64_MAX || ns < INT64_MIN) throw new BuiltinError(name, 'time outside of valid range');
  return ns;
}

function nsOf(name: string, v: Value | undefined): { ns: bigint; tz: string } {
  let n: Value | undefined = v;
  let tz = 'UTC';
  if (Array.isArray(v)) {
    n = v[0];
    tz = str(name, v[1], 1);
  }
  const b = num(name, n, 1).toBigInt();
  if (b === undefined) throw new BuiltinError(name, 'operand 1 must be an integer');
  return { ns: checkInt64(name, b), tz: tz === '' ? 'UTC' : tz };
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

function parts(name: string, ns: bigint, tz: string): Parts {
  const ms = Number(ns / 1_000_000n) - (ns < 0n && ns % 1_000_000n !== 0n ? 1 : 0);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz === 'Local' ? undefined : tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'long',
      era: 'short',
    });
  } catch {
    throw new BuiltinError(name, `unknown time zone ${tz}`);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  let year = Number(p.year);
  if (p.era === 'BC') year = 1 - year;
  return {
    year,
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: String(p.weekday),
  };
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

function parseDuration(name: string, s: string): bigint {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m && s !== '0') throw new BuiltinError(name, `time: invalid duration "${s}"`);
  if (s === '0') return 0n;
  let total = 0n;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = UNITS[part[2] as string] as bigint;
    const [whole, frac = ''] = (part[1] as string).split('.');
    total += BigInt(whole || '0') * unit;
    if (frac) total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
  }
  return m?.[1] === '-' ? -total : total;
}

export const calendarBuiltins: BuiltinDef[] = [
  {
    name: 'time.date',
    arity: 1,
    impl: ([v]) => {
      const { ns, tz } = nsOf('time.date', v);
      const p = parts('time.date', ns, tz);
      return [RNumber.int(p.year), RNumber.int(p.month), RNumber.int(p.day)];
    },
  },
  {
    name: 'time.clock',
    arity: 1,
    impl: ([v]) => {
      const { ns, tz } = nsOf('time.clock', v);
      const p = parts('time.clock', ns, tz);
      return [RNumber.int(p.hour), RNumber.int(p.minute), RNumber.int(p.second)];
    },
  },
  {
    name: 'time.weekday',
    arity: 1,
    impl: ([v]) => {
      const { ns, tz } = nsOf('time.weekday', v);
      return parts('time.weekday', ns, tz).weekday;
    },
  },
  {
    name: 'time.add_date',
    arity: 4,
    impl: ([v, y, mo, d]) => {
      const { ns } = nsOf('time.add_date', v);
      const msPart = ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n);
      const rest = ns - msPart * 1_000_000n;
      const date = new Date(Number(msPart));
      const next = Date.UTC(
        date.getUTCFullYear() + int('time.add_date', y, 2),
        date.getUTCMonth() + int('time.add_date', mo, 3),
        date.getUTCDate() + int('time.add_date', d, 4),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
        date.getUTCMilliseconds(),
      );
      if (Number.isNaN(next)) throw new BuiltinError('time.add_date', 'time outside of valid range');
      return RNumber.int(checkInt64('time.add_date', BigInt(next) * 1_000_000n + rest));
    },
  },
  { name: 'time.parse_duration_ns', arity: 1, impl: ([s]) => RNumber.int(parseDuration('time.parse_duration_ns', str('time.parse_duration_ns', s, 1))) },
];
