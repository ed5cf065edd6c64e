// Go's fmt.Sprintf as OPA's sprintf uses it: integers stay ints, other numbers float64, strings
// strings, and every other value is formatted as its Rego text (so %v and %s print it).
// Arguments arrive as Rego value text (see TEXT_ARGUMENT_BUILTINS in ../host-abi.ts), so big
// integers stay exact and sets print as sets.
import { parseRegoText, regoString, type Term } from './rego-text.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  zero: boolean;
  space: boolean;
  sharp: boolean;
  width: number | null;
  precision: number | null;
  verb: string;
}

type Arg =
  | { kind: 'int'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string; big?: bigint }
  | { kind: 'term'; v: string };

function toArg(t: Term): Arg {
  if (t.t === 'scalar' && typeof t.value === 'number') {
    if (/^-?\d+$/.test(t.text)) {
      const v = BigInt(t.text);
      // Beyond int64 OPA passes a *big.Int, whose Format prints digits for %s and %v too.
      return v >= -(1n << 63n) && v < 1n << 63n ? { kind: 'int', v } : { kind: 'string', v: t.text, big: v };
    }
    // OPA hands Go a float64 when the number fits one, else the number's text.
    return Number.isFinite(t.value) ? { kind: 'float', v: t.value } : { kind: 'string', v: t.text };
  }
  if (t.t === 'scalar' && typeof t.value === 'string') return { kind: 'string', v: t.value };
  return { kind: 'term', v: regoString(t) };
}

function goFloat(v: number, verb: string, prec: number | null): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (verb === 'f' || verb === 'F') return v.toFixed(prec ?? 6);
  if (verb === 'e' || verb === 'E') {
    const s = v.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
    return verb === 'E' ? s.toUpperCase() : s;
  }
  // %v and %g: shortest representation, exponent form outside [1e-4, 1e21).
  const abs = Math.abs(v);
  if (prec === null && (abs === 0 || (abs >= 1e-4 && abs < 1e21))) return String(v);
  const s = prec === null ? v.toExponential() : v.toPrecision(prec);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function quote(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\x${h.slice(2)}`);
}

function hex(s: string, upper: boolean): string {
  const h = Buffer.from(s, 'utf8').toString('hex');
  return upper ? h.toUpperCase() : h;
}

function bad(spec: Spec, arg: Arg): string {
  const type = arg.kind === 'int' ? 'int' : arg.kind === 'float' ? 'float64' : 'string';
  const text = arg.kind === 'term' || arg.kind === 'string' ? arg.v : String(arg.v);
  return `%!${spec.verb}(${type}=${text})`;
}

function formatInt(v: bigint, spec: Spec): string {
  const neg = v < 0n;
  const mag = neg ? -v : v;
  const radix = { d: 10, x: 16, X: 16, o: 8, b: 2 }[spec.verb as 'd'] ?? 10;
  let digits = mag.toString(radix);
  if (spec.verb === 'X') digits = digits.toUpperCase();
  if (spec.precision !== null) digits = digits.padStart(spec.precision, '0');
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.zero && !spec.minus && spec.width !== null && spec.precision === null) {
    digits = digits.padStart(spec.width - sign.length, '0');
  }
  return sign + digits;
}

function formatOne(spec: Spec, arg: Arg): string {
  const verb = spec.verb;
  switch (arg.kind) {
    case 'int':
      if ('dxXob'.includes(verb)) return formatInt(arg.v, spec);
      if (verb === 'v') return formatInt(arg.v, { ...spec, verb: 'd' });
      if ('feEgG'.includes(verb)) return bad(spec, arg);
      if (verb === 'c') return String.fromCodePoint(Number(arg.v));
      return bad(spec, arg);
    case 'float':
      if ('feEgGF'.includes(verb)) return (spec.plus && arg.v >= 0 ? '+' : '') + goFloat(arg.v, verb, spec.precision);
      if (verb === 'v') return goFloat(arg.v, 'g', spec.precision);
      return bad(spec, arg);
    case 'string': {
      if (arg.big !== undefined && 'dxXob'.includes(verb)) return formatInt(arg.big, spec);
      if (verb === 's' || verb === 'v') return spec.precision === null ? arg.v : [...arg.v].slice(0, spec.precision).join('');
      if (verb === 'q') return quote(arg.v);
      if (verb === 'x' || verb === 'X') return hex(arg.v, verb === 'X');
      return bad(spec, arg);
    }
    case 'term':
      if (verb === 's' || verb === 'v') return arg.v;
      if (verb === 'q') return quote(arg.v);
      return bad(spec, arg);
  }
}

function pad(s: string, spec: Spec): string {
  if (spec.width === null) return s;
  const len = [...s].length;
  if (len >= spec.width) return s;
  const fill = ' '.repeat(spec.width - len);
  return spec.minus ? s + fill : fill + s;
}

const SPEC = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/y;

/** sprintf(format, values) with both arguments given as Rego value text. */
export function goSprintfText(formatText: string, valuesText: string): string {
  const format = parseRegoText(formatText);
  const values = parseRegoText(valuesText);
  if (format.t !== 'scalar' || typeof format.value !== 'string' || values.t !== 'array') {
    throw new TypeError('sprintf: bad arguments');
  }
  return goSprintf(format.value, values.items);
}

export function goSprintf(format: string, values: readonly Term[]): string {
  const args = values.map(toArg);
  let next = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(format);
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i = SPEC.lastIndex;
    const flags = m[1] ?? '';
    const verb = m[4] as string;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const spec: Spec = {
      minus: flags.includes('-'), plus: flags.includes('+'), zero: flags.includes('0'),
      space: flags.includes(' '), sharp: flags.includes('#'),
      width: m[2] && m[2] !== '*' ? Number(m[2]) : null,
      precision: m[3] !== undefined && m[3] !== '*' ? Number(m[3]) : format[pct + 1 + flags.length + (m[2]?.length ?? 0)] === '.' ? 0 : null,
      verb,
    };
    const arg = args[next++];
    out += arg === undefined ? `%!${verb}(MISSING)` : pad(formatOne(spec, arg), spec);
  }
  if (next < args.length) {
    out += '%!(EXTRA ' + args.slice(next).map((a) => `${a.kind === 'int' ? 'int' : a.kind === 'float' ? 'float64' : 'string'}=${String(a.v)}`).join(', ') + ')';
  }
  return out;
}
