// time.* builtins. Nanosecond timestamps travel as JSON numbers (doubles); results that must be
// exact go back as JSON text.
import type { HostBuiltins } from './index.js';
import { formatLayout, parseLayout, type Fields } from './golayout.js';
import { arr, int, num, str } from './values.js';

const NS_PER_MS = 1_000_000n;

const INT64_MAX = (1n << 63n) - 1n;

/** Timestamps are Go int64 nanoseconds: anything outside that range is an error (undefined). */
function inRange(v: bigint): bigint {
  if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new RangeError('timestamp out of int64 range');
  return v;
}

function nsOf(v: unknown): bigint {
  if (typeof v === 'bigint') return inRange(v);
  const n = num(v);
  if (!Number.isFinite(n) || Math.abs(n) >= 2 ** 63) throw new RangeError('timestamp out of int64 range');
  return BigInt(Math.trunc(n));
}

function exact(raw: bigint): ArrayBuffer | number {
  const v = inRange(raw);
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return new TextEncoder().encode(v.toString()).buffer as ArrayBuffer;
}

/** A timestamp argument: ns, or [ns, tz] (tz "" = UTC, "Local" = the process's zone). */
function tsArg(v: unknown): { ns: bigint; tz: string | undefined } {
  if (Array.isArray(v)) {
    const tz = str(v[1]);
    return { ns: nsOf(v[0]), tz: tz === '' || tz === 'UTC' ? 'UTC' : tz === 'Local' ? undefined : tz };
  }
  return { ns: nsOf(v), tz: 'UTC' };
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

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function partsOf(ns: bigint, tz: string | undefined): Parts {
  const date = new Date(Number(floorDiv(ns, NS_PER_MS)));
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    second: 'numeric', weekday: 'long', hourCycle: 'h23', era: 'short',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(date)) p[part.type] = part.value;
  const year = Number(p['year']) * (p['era'] === 'BC' ? -1 : 1) + (p['era'] === 'BC' ? 1 : 0);
  return {
    year, month: Number(p['month']), day: Number(p['day']), hour: Number(p['hour']),
    minute: Number(p['minute']), second: Number(p['second']), weekday: p['weekday'] ?? '',
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseRfc3339(s: string): bigint {
  const m = RFC3339.exec(s);
  if (!m) throw new SyntaxError('not RFC 3339');
  const [, y, mo, d, h, mi, se, frac, zone] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 60) throw new RangeError('bad date');
  let ns = BigInt(ms) * NS_PER_MS + BigInt(((frac ?? '').slice(1) + '000000000').slice(0, 9) || '0');
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const offMin = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * offMin * 60n * 1_000_000_000n;
  }
  return ns;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function parseDuration(s: string): bigint {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m && s !== '0') throw new SyntaxError('bad duration');
  if (s === '0') return 0n;
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] as string] as number);
  }
  return BigInt(Math.round(total)) * (s.startsWith('-') ? -1n : 1n);
}

function formatRfc3339Nano(ns: bigint, tz: string | undefined): string {
  const p = partsOf(ns, tz);
  const ms = floorDiv(ns, NS_PER_MS);
  const localMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offMin = Math.round((localMs - Number(ms - (((ms % 1000n) + 1000n) % 1000n))) / 60000);
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const zone = offMin === 0 ? 'Z' : `${offMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offMin) / 60))}:${pad(Math.abs(offMin) % 60)}`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac ? '.' + frac : ''}${zone}`;
}

function fieldsOf(ns: bigint, tz: string | undefined): Fields {
  const p = partsOf(ns, tz);
  const ms = floorDiv(ns, NS_PER_MS);
  const localMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSecondMs = Number(ms - (((ms % 1000n) + 1000n) % 1000n));
  const offsetMin = Math.round((localMs - wholeSecondMs) / 60000);
  const yday = Math.floor((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000) + 1;
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const nanos = Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
  const zoneName = offsetMin === 0 ? 'UTC' : offsetMin % 60 === 0 ? `${offsetMin < 0 ? '-' : '+'}${String(Math.abs(offsetMin / 60)).padStart(2, '0')}` : `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, '0')}${String(Math.abs(offsetMin) % 60).padStart(2, '0')}`;
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, nanos, weekday, yday, offsetMin, zoneName };
}

function addDate(nsV: unknown, y: unknown, m: unknown, d: unknown): ArrayBuffer | number {
  const ns = nsOf(nsV);
  const msTotal = floorDiv(ns, NS_PER_MS);
  const rest = ns - msTotal * NS_PER_MS;
  const dt = new Date(Number(msTotal));
  const shifted = Date.UTC(
    dt.getUTCFullYear() + int(y), dt.getUTCMonth() + int(m), dt.getUTCDate() + int(d),
    dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds(), dt.getUTCMilliseconds(),
  );
  return exact(BigInt(shifted) * NS_PER_MS + rest);
}

/** Calendar difference (Go's usual normalisation): the later time minus the earlier, in a's zone. */
function diff(x: unknown, y: unknown): number[] {
  const a = tsArg(x);
  const b = tsArg(y);
  const [early, late] = a.ns <= b.ns ? [a.ns, b.ns] : [b.ns, a.ns];
  const p = partsOf(early, a.tz);
  const q = partsOf(late, a.tz);
  let [year, month, day, hour, min, sec] = [q.year - p.year, q.month - p.month, q.day - p.day, q.hour - p.hour, q.minute - p.minute, q.second - p.second];
  if (sec < 0) [sec, min] = [sec + 60, min - 1];
  if (min < 0) [min, hour] = [min + 60, hour - 1];
  if (hour < 0) [hour, day] = [hour + 24, day - 1];
  if (day < 0) {
    // Borrow the length of the earlier time's month.
    day += new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
    month--;
  }
  if (month < 0) [month, year] = [month + 12, year - 1];
  return [year, month, day, hour, min, sec];
}

export const timeBuiltins: HostBuiltins = {
  'time.diff': diff,
  'time.parse_rfc3339_ns': (s) => exact(parseRfc3339(str(s))),
  'time.parse_duration_ns': (s) => exact(parseDuration(str(s))),
  'time.date': (x) => {
    const t = tsArg(x);
    const p = partsOf(t.ns, t.tz);
    return [p.year, p.month, p.day];
  },
  'time.clock': (x) => {
    const t = tsArg(x);
    const p = partsOf(t.ns, t.tz);
    return [p.hour, p.minute, p.second];
  },
  'time.weekday': (x) => {
    const t = tsArg(x);
    return partsOf(t.ns, t.tz).weekday;
  },
  'time.add_date': addDate,
  'time.format': (x) => {
    const t = tsArg(Array.isArray(x) ? arr(x).slice(0, 2) : x);
    if (!Array.isArray(x) || x.length < 3) return formatRfc3339Nano(t.ns, t.tz);
    return formatLayout(str(x[2]), fieldsOf(t.ns, t.tz));
  },
  'time.parse_ns': (layout, value) => exact(parseLayout(str(layout), str(value))),
};
