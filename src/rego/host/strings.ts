// String and formatting builtins the runtime leaves to the host.
import type { HostBuiltins } from './index.js';
import { arr, int, num, str, strings } from './values.js';

function countOccurrences(s: string, sub: string): number {
  if (sub === '') return [...s].length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Go's strings.NewReplacer over sorted keys: at each position the first matching key wins. */
function replaceN(patterns: Record<string, unknown>, s: string): string {
  const keys = Object.keys(patterns).sort();
  const values = keys.map((k) => str(patterns[k]));
  let out = '';
  let i = 0;
  while (i < s.length) {
    const k = keys.findIndex((key) => key !== '' && s.startsWith(key, i));
    if (k >= 0) {
      out += values[k];
      i += (keys[k] as string).length;
    } else {
      out += s[i];
      i++;
    }
  }
  return out;
}

function codePointIndexes(s: string, sub: string): number[] {
  const chars = [...s];
  const subChars = [...sub];
  const out: number[] = [];
  for (let i = 0; i + subChars.length <= chars.length; i++) {
    if (subChars.every((c, j) => chars[i + j] === c)) out.push(i);
  }
  return out;
}

function formatInt(x: unknown, base: unknown): string {
  const b = int(base);
  if (![2, 8, 10, 16].includes(b)) throw new RangeError('format_int: bad base');
  const n = Math.trunc(num(x));
  return BigInt(n).toString(b);
}

export const stringBuiltins: HostBuiltins = {
  'strings.any_prefix_match': (search, base) => strings(search).some((s) => strings(base).some((b) => s.startsWith(b))),
  'strings.any_suffix_match': (search, base) => strings(search).some((s) => strings(base).some((b) => s.endsWith(b))),
  'strings.count': (s, sub) => countOccurrences(str(s), str(sub)),
  'strings.replace_n': (patterns, s) => {
    if (patterns === null || typeof patterns !== 'object' || Array.isArray(patterns)) throw new TypeError('object expected');
    return replaceN(patterns as Record<string, unknown>, str(s));
  },
  'indexof_n': (s, sub) => codePointIndexes(str(s), str(sub)),
  'format_int': formatInt,
  'glob.quote_meta': (s) => str(s).replace(/[*?\\[\]{}]/g, (c) => `\\${c}`),
  'array.reverse': (a) => [...arr(a)].reverse(),
  'array.flatten': (a) => arr(a).flatMap((x) => (Array.isArray(x) ? x : [x])),
};
