// units.parse and units.parse_bytes with exact decimal arithmetic (results go back as JSON text).
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

interface Decimal {
  readonly digits: bigint;
  /** value = digits * 10^exp */
  readonly exp: number;
}

function parseDecimal(text: string): Decimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new SyntaxError(`not a number: ${text}`);
  const frac = m[3] ?? '';
  const digits = BigInt((m[1] === '-' ? '-' : '') + ((m[2] ?? '') + frac || '0'));
  return { digits, exp: Number(m[4] ?? '0') - frac.length };
}

function times(d: Decimal, factor: bigint, extraExp = 0): Decimal {
  return { digits: d.digits * factor, exp: d.exp + extraExp };
}

function toText(d: Decimal, truncate: boolean): string {
  if (d.exp >= 0) return (d.digits * 10n ** BigInt(d.exp)).toString();
  const scale = 10n ** BigInt(-d.exp);
  const neg = d.digits < 0n;
  const mag = neg ? -d.digits : d.digits;
  const whole = mag / scale;
  const frac = (mag % scale).toString().padStart(-d.exp, '0').replace(/0+$/, '');
  if (truncate || frac === '') return (neg && whole !== 0n ? '-' : '') + whole.toString();
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

const DECIMAL: Record<string, bigint> = { k: 10n ** 3n, m: 10n ** 6n, g: 10n ** 9n, t: 10n ** 12n, p: 10n ** 15n, e: 10n ** 18n };
const BINARY: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };

function split(input: string): { num: string; unit: string } {
  const s = input.replace(/^"(.*)"$/, '$1');
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/.exec(s);
  if (!m) throw new SyntaxError('no amount');
  return { num: m[1] as string, unit: m[2] as string };
}

function json(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

function parseUnits(x: unknown): ArrayBuffer {
  const { num, unit } = split(str(x));
  const d = parseDecimal(num);
  if (unit === '') return json(toText(d, false));
  if (unit === 'm') return json(toText(times(d, 1n, -3), false));
  if (unit === 'M') return json(toText(times(d, DECIMAL['m'] as bigint), false));
  const u = unit.toLowerCase();
  const factor = BINARY[u] ?? (u === 'm' ? undefined : DECIMAL[u]);
  if (factor === undefined) throw new SyntaxError(`unknown unit ${unit}`);
  return json(toText(times(d, factor), false));
}

function parseBytes(x: unknown): ArrayBuffer {
  const { num, unit } = split(str(x));
  const d = parseDecimal(num);
  const u = unit.toLowerCase().replace(/b$/, '');
  const factor = u === '' ? 1n : (BINARY[u] ?? DECIMAL[u]);
  if (factor === undefined) throw new SyntaxError(`unknown unit ${unit}`);
  return json(toText(times(d, factor), true));
}

export const unitBuiltins: HostBuiltins = {
  'units.parse': parseUnits,
  'units.parse_bytes': parseBytes,
};
