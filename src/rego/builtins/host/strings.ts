// String and formatting builtins the runtime leaves to the host.
import type { HostBuiltins } from './index.js';
import { parseRegoText } from './rego-text.js';
import { renderTemplate } from './go-template.js';
import { arr, int, num, obj, str, strings } from './values.js';

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
  // Arguments as Rego text (../host-abi.ts): JSON would turn a non-string key into a string.
  'strings.replace_n': (patternsText, sText) => {
    const patterns = parseRegoText(str(patternsText));
    const s = parseRegoText(str(sText));
    if (patterns.t !== 'object') throw new TypeError('strings.replace_n: operand 1 must be an object');
    const table: Record<string, string> = {};
    for (const [k, v] of patterns.entries) {
      if (k.t !== 'scalar' || typeof k.value !== 'string') throw new TypeError('strings.replace_n: operand 1 non-string key found in pattern object');
      if (v.t !== 'scalar' || typeof v.value !== 'string') throw new TypeError('strings.replace_n: operand 1 non-string value found in pattern object');
      table[k.value] = v.value;
    }
    if (s.t !== 'scalar' || typeof s.value !== 'string') throw new TypeError('strings.replace_n: operand 2 must be a string');
    return replaceN(table, s.value);
  },
  'strings.render_template': (template, vars) => renderTemplate(str(template), obj(vars)),
  'indexof_n': (s, sub) => codePointIndexes(str(s), str(sub)),
  'format_int': formatInt,
  'glob.quote_meta': (s) => str(s).replace(/[*?\\[\]{}]/g, (c) => `\\${c}`),
  'array.reverse': (a) => [...arr(a)].reverse(),
  'array.flatten': (a) => arr(a).flatMap((x) => (Array.isArray(x) ? x : [x])),
};
