// Go reference-time layouts ("Mon Jan 2 15:04:05 MST 2006") for time.format and time.parse_ns.

export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006', UnixDate: 'Mon Jan _2 15:04:05 MST 2006', RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST', RFC822Z: '02 Jan 06 15:04 -0700', RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST', RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700', RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00', Kitchen: '3:04PM', Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000', StampMicro: 'Jan _2 15:04:05.000000', StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05', DateOnly: '2006-01-02', TimeOnly: '15:04:05',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token = { lit: string } | { std: string };

const STD = ['January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15',
  'Z07:00:00', '-07:00:00', 'Z0700', 'Z07:00', 'Z07', '-0700', '-07:00', '-07', 'PM', 'pm', '1', '2', '3', '4', '5'];

export function tokenize(layout: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac && (i === 0 || true)) {
      if (lit) out.push({ lit });
      lit = '';
      out.push({ std: frac[0] });
      i += frac[0].length;
      continue;
    }
    const std = STD.find((s) => layout.startsWith(s, i));
    if (std !== undefined) {
      if (lit) out.push({ lit });
      lit = '';
      out.push({ std });
      i += std.length;
    } else {
      lit += layout[i];
      i++;
    }
  }
  if (lit) out.push({ lit });
  return out;
}

export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  yday: number;
  offsetMin: number;
  zoneName: string;
}

const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);

function offset(f: Fields, std: string): string {
  if (std.startsWith('Z') && f.offsetMin === 0) return 'Z';
  const sign = f.offsetMin < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(f.offsetMin) / 60), 2);
  const m = pad(Math.abs(f.offsetMin) % 60, 2);
  const body = std.replace(/^Z/, '-');
  if (body === '-07') return sign + h;
  if (body === '-0700') return sign + h + m;
  if (body === '-07:00') return `${sign}${h}:${m}`;
  return `${sign}${h}:${m}:00`;
}

function one(f: Fields, std: string): string {
  switch (std) {
    case 'January': return MONTHS[f.month - 1] as string;
    case 'Jan': return (MONTHS[f.month - 1] as string).slice(0, 3);
    case 'Monday': return DAYS[f.weekday] as string;
    case 'Mon': return (DAYS[f.weekday] as string).slice(0, 3);
    case 'MST': return f.zoneName;
    case '2006': return pad(f.year, 4);
    case '06': return pad(f.year % 100, 2);
    case '01': return pad(f.month, 2);
    case '1': return String(f.month);
    case '02': return pad(f.day, 2);
    case '_2': return pad(f.day, 2, ' ');
    case '2': return String(f.day);
    case '002': return pad(f.yday, 3);
    case '__2': return pad(f.yday, 3, ' ');
    case '15': return pad(f.hour, 2);
    case '03': return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
    case '3': return String(f.hour % 12 === 0 ? 12 : f.hour % 12);
    case '04': return pad(f.minute, 2);
    case '4': return String(f.minute);
    case '05': return pad(f.second, 2);
    case '5': return String(f.second);
    case 'PM': return f.hour >= 12 ? 'PM' : 'AM';
    case 'pm': return f.hour >= 12 ? 'pm' : 'am';
    default:
      if (/^[.,]/.test(std)) {
        const digits = pad(f.nanos, 9).slice(0, std.length - 1);
        if (std[1] === '0') return std[0] + digits;
        const trimmed = digits.replace(/0+$/, '');
        return trimmed ? std[0] + trimmed : '';
      }
      return offset(f, std);
  }
}

export function formatLayout(layout: string, f: Fields): string {
  return tokenize(NAMED_LAYOUTS[layout] ?? layout).map((t) => ('lit' in t ? t.lit : one(f, t.std))).join('');
}

const PATTERNS: Record<string, string> = {
  January: `(${MONTHS.join('|')})`, Jan: `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`,
  Monday: `(${DAYS.join('|')})`, Mon: `(${DAYS.map((d) => d.slice(0, 3)).join('|')})`, MST: '([A-Z]{3,5}|[+-]\\d+)',
  '2006': '(\\d{4})', '06': '(\\d{2})', '01': '(\\d{2})', '1': '(\\d{1,2})', '02': '(\\d{2})', '_2': '( ?\\d{1,2})', '2': '(\\d{1,2})',
  '002': '(\\d{3})', '__2': '( {0,2}\\d{1,3})', '15': '(\\d{2})', '03': '(\\d{2})', '3': '(\\d{1,2})', '04': '(\\d{2})', '4': '(\\d{1,2})',
  '05': '(\\d{2})', '5': '(\\d{1,2})', PM: '(AM|PM)', pm: '(am|pm)',
};

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses `value` by a Go layout into UTC nanoseconds. */
export function parseLayout(layout: string, value: string): bigint {
  const tokens = tokenize(NAMED_LAYOUTS[layout] ?? layout);
  const stds: string[] = [];
  let re = '^';
  tokens.forEach((t, i) => {
    if ('lit' in t) { re += escape(t.lit); return; }
    stds.push(t.std);
    const next = tokens[i + 1];
    // As Go's time.Parse: a fractional second may follow the seconds even if the layout has none.
    if ((t.std === '05' || t.std === '5') && !(next !== undefined && 'std' in next && /^[.,]/.test(next.std))) {
      re += `${PATTERNS[t.std] ?? ''}(?:[.,](\\d+))?`;
      stds.push('.9');
      return;
    }
    if (/^[.,]/.test(t.std)) re += t.std[1] === '0' ? `[.,](\\d{${t.std.length - 1}})` : '(?:[.,](\\d+))?';
    else if (/07/.test(t.std)) re += t.std.startsWith('Z') ? '(Z|[+-]\\d{2}(?::?\\d{2}){0,2})' : '([+-]\\d{2}(?::?\\d{2}){0,2})';
    else re += PATTERNS[t.std] ?? '';
  });
  const m = new RegExp(re + '$').exec(value);
  if (!m) throw new SyntaxError(`cannot parse ${value} as ${layout}`);
  let [year, month, day, hour, minute, second, nanos, offsetMin, pm] = [1, 1, 1, 0, 0, 0, 0, 0, -1];
  stds.forEach((std, i) => {
    const g = (m[i + 1] ?? '').trim();
    if (std === '2006') year = Number(g);
    else if (std === '06') year = 2000 + Number(g) - (Number(g) >= 69 ? 100 : 0);
    else if (std === 'January' || std === 'Jan') month = MONTHS.findIndex((x) => x.startsWith(g)) + 1;
    else if (std === '01' || std === '1') month = Number(g);
    else if (std === '02' || std === '_2' || std === '2') day = Number(g);
    else if (std === '15' || std === '03' || std === '3') hour = Number(g);
    else if (std === '04' || std === '4') minute = Number(g);
    else if (std === '05' || std === '5') second = Number(g);
    else if (std === 'PM' || std === 'pm') pm = g.toUpperCase() === 'PM' ? 1 : 0;
    else if (/^[.,]/.test(std)) nanos = Number((g + '000000000').slice(0, 9));
    else if (/07/.test(std) && g !== 'Z' && g !== '') {
      const d = g.replace(/:/g, '');
      offsetMin = (g.startsWith('-') ? -1 : 1) * (Number(d.slice(1, 3)) * 60 + Number(d.slice(3, 5) || '0'));
    }
  });
  if (pm === 1 && hour < 12) hour += 12;
  if (pm === 0 && hour === 12) hour = 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new RangeError('field out of range');
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return (BigInt(ms) - BigInt(offsetMin) * 60000n) * 1_000_000n + BigInt(nanos);
}
