// Go's fmt.Sprintf as OPA's sprintf uses it: integers stay ints, other numbers float64, strings
// strings, and every other value is formatted as its Rego text (so %v and %s print it).

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

type Arg = { kind: 'int'; v: bigint } | { kind: 'float'; v: number } | { kind: 'string'; v: string } | { kind: 'term'; v: string };

function regoText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(regoText).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${regoText(x)}`).join(', ')}}`;
  }
  return String(v);
}

function toArg(v: unknown): Arg {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? { kind: 'int', v: BigInt(v) } : { kind: 'float', v };
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'term', v: regoText(v) };
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

export function goSprintf(format: string, values: readonly unknown[]): string {
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
