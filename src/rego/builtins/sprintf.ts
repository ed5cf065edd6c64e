// A Go-fmt subset for sprintf: %v %s %d %f %x %q %t %% with optional width/precision.
import { RNumber } from '../ir/interp/number.js';
import { toJSONText, type Value } from '../ir/interp/value.js';

function show(v: Value): string {
  if (typeof v === 'string') return v;
  return toJSONText(v);
}

export function sprintf(fmt: string, args: Value[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (all, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (v === undefined) return `%!${verb}(MISSING)`;
    let out: string;
    switch (verb) {
      case 'd':
        out = v instanceof RNumber && v.isInt() ? (v.toBigInt() ?? 0n).toString() : `%!d(${show(v)})`;
        break;
      case 'f':
      case 'e':
      case 'g':
        out = v instanceof RNumber ? (verb === 'f' ? v.toDouble().toFixed(prec === undefined ? 6 : Number(prec)) : String(v.toDouble())) : show(v);
        break;
      case 'x':
        out = v instanceof RNumber ? (v.toBigInt() ?? 0n).toString(16) : Buffer.from(show(v)).toString('hex');
        break;
      case 'q':
        out = JSON.stringify(show(v));
        break;
      default:
        out = show(v);
    }
    if (width !== undefined && out.length < Number(width)) {
      out = flags.includes('-') ? out.padEnd(Number(width)) : out.padStart(Number(width), flags.includes('0') ? '0' : ' ');
    }
    void all;
    return out;
  });
}
