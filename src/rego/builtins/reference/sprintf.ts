// A Go-fmt subset for sprintf: %v %s %d %f %e %g %x %X %o %b %q %t %% with flags, width and
// precision. Composite values print as Rego terms (`["a", 1]`), as OPA's sprintf does.
import { RNumber } from '../../value/number.js';
import { RObject, RSet, type Value } from '../../value/value.js';

/** Rego's term syntax for a value (strings quoted), used for composites in %v. */
export function regoString(v: Value): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RNumber) return v.toString();
  if (Array.isArray(v)) return `[${v.map(regoString).join(', ')}]`;
  if (v instanceof RObject) return `{${v.sortedEntries().map(([k, x]) => `${regoString(k)}: ${regoString(x)}`).join(', ')}}`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.sorted().map(regoString).join(', ')}}`;
  return '';
}

function plain(v: Value): string {
  return typeof v === 'string' ? v : regoString(v);
}

function intText(v: RNumber, base: number, upper: boolean): string | undefined {
  const b = v.toBigInt();
  if (b === undefined) return undefined;
  const s = b.toString(base);
  return upper ? s.toUpperCase() : s;
}

function formatOne(verb: string, v: Value, prec: string | undefined): string {
  const num = v instanceof RNumber ? v : undefined;
  switch (verb) {
    case 'd':
      return (num && intText(num, 10, false)) ?? `%!d(${plain(v)})`;
    case 'x':
    case 'X':
      if (num) return intText(num, 16, verb === 'X') ?? `%!${verb}(${plain(v)})`;
      return typeof v === 'string' ? Buffer.from(v).toString('hex')[verb === 'X' ? 'toUpperCase' : 'toLowerCase']() : `%!${verb}(${plain(v)})`;
    case 'o':
      return (num && intText(num, 8, false)) ?? `%!o(${plain(v)})`;
    case 'b':
      return (num && intText(num, 2, false)) ?? `%!b(${plain(v)})`;
    case 'f':
    case 'F':
      return num ? num.toDouble().toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${plain(v)})`;
    case 'e':
      return num ? num.toDouble().toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2') : `%!e(${plain(v)})`;
    case 'g':
      return num ? String(num.toDouble()) : `%!g(${plain(v)})`;
    case 'q':
      return JSON.stringify(plain(v));
    case 't':
      return typeof v === 'boolean' ? String(v) : `%!t(${plain(v)})`;
    case 's':
    case 'v':
      return prec !== undefined && typeof v === 'string' ? v.slice(0, Number(prec)) : plain(v);
    default:
      return `%!${verb}(${plain(v)})`;
  }
}

export function sprintf(fmt: string, args: Value[]): string {
  let i = 0;
  const out = fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_all, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (v === undefined) return `%!${verb}(MISSING)`;
    let s = formatOne(verb ?? 'v', v, prec);
    if (flags.includes('+') && v instanceof RNumber && v.sign() >= 0) s = `+${s}`;
    const w = Number(width ?? 0);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && v instanceof RNumber) s = s.startsWith('-') ? `-${s.slice(1).padStart(w - 1, '0')}` : s.padStart(w, '0');
      else s = s.padStart(w);
    }
    return s;
  });
  return i < args.length ? `${out}%!(EXTRA ${args.slice(i).map((a) => `${typeof a === 'string' ? 'string' : 'value'}=${plain(a)}`).join(', ')})` : out;
}
