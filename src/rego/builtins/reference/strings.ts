// String builtins. Go strings are byte strings; we index by code points, which agrees for the
// ASCII and BMP text that policies handle.
import { BuiltinError } from '../../value/errors.js';
import { RNumber } from '../../value/number.js';
import { type Value } from '../../value/value.js';
import { elems, int, num, str } from './check.js';
import type { BuiltinDef } from './types.js';
import { sprintf } from './sprintf.js';

const s1 = (name: string, f: (s: string) => Value): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([a]) => f(str(name, a, 1)),
});
const s2 = (name: string, f: (a: string, b: string) => Value): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([a, b]) => f(str(name, a, 1), str(name, b, 2)),
});

function trimLeftChars(s: string, cut: string): string {
  const chars = new Set([...cut]);
  const cs = [...s];
  let i = 0;
  while (i < cs.length && chars.has(cs[i] as string)) i++;
  return cs.slice(i).join('');
}
function trimRightChars(s: string, cut: string): string {
  const chars = new Set([...cut]);
  const cs = [...s];
  let j = cs.length;
  while (j > 0 && chars.has(cs[j - 1] as string)) j--;
  return cs.slice(0, j).join('');
}

function strList(name: string, v: Value | undefined, pos: number): string[] {
  if (typeof v === 'string') return [v];
  return elems(name, v, pos).map((x) => str(name, x, pos));
}

export const stringBuiltins: BuiltinDef[] = [
  {
    name: 'concat',
    arity: 2,
    impl: ([d, xs]) => elems('concat', xs, 2).map((x) => str('concat', x, 2)).join(str('concat', d, 1)),
  },
  s2('contains', (a, b) => a.includes(b)),
  s2('startswith', (a, b) => a.startsWith(b)),
  s2('endswith', (a, b) => a.endsWith(b)),
  s1('lower', (s) => s.toLowerCase()),
  s1('upper', (s) => s.toUpperCase()),
  s2('split', (a, b) => (b === '' ? [...a] : a.split(b))),
  s1('trim_space', (s) => s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, '')),
  s2('trim', (s, c) => trimRightChars(trimLeftChars(s, c), c)),
  s2('trim_left', trimLeftChars),
  s2('trim_right', trimRightChars),
  s2('trim_prefix', (s, p) => (s.startsWith(p) ? s.slice(p.length) : s)),
  s2('trim_suffix', (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  s1('strings.reverse', (s) => [...s].reverse().join('')),
  s2('strings.count', (s, sub) => RNumber.int(sub === '' ? [...s].length + 1 : s.split(sub).length - 1)),
  {
    name: 'replace',
    arity: 3,
    impl: ([s, o, n]) => str('replace', s, 1).split(str('replace', o, 2)).join(str('replace', n, 3)),
  },
  {
    name: 'strings.replace_n',
    arity: 2,
    impl: ([pats, s]) => {
      let out = str('strings.replace_n', s, 2);
      if (!(pats !== null && typeof pats === 'object' && 'sortedEntries' in pats)) {
        throw new BuiltinError('strings.replace_n', 'operand 1 must be object');
      }
      for (const [k, v] of pats.sortedEntries()) {
        out = out.split(str('strings.replace_n', k, 1)).join(str('strings.replace_n', v, 1));
      }
      return out;
    },
  },
  {
    name: 'substring',
    arity: 3,
    impl: ([s, a, b]) => {
      const cs = [...str('substring', s, 1)];
      const start = int('substring', a, 2);
      const len = int('substring', b, 3);
      if (start < 0) throw new BuiltinError('substring', 'negative offset');
      if (start >= cs.length) return '';
      return len < 0 ? cs.slice(start).join('') : cs.slice(start, start + len).join('');
    },
  },
  s2('indexof', (s, sub) => {
    const i = s.indexOf(sub);
    return RNumber.int(i < 0 ? -1 : [...s.slice(0, i)].length);
  }),
  s2('indexof_n', (s, sub) => {
    const out: Value[] = [];
    if (sub === '') return out;
    for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) out.push(RNumber.int([...s.slice(0, i)].length));
    return out;
  }),
  {
    name: 'strings.any_prefix_match',
    arity: 2,
    impl: ([a, b]) => {
      const ss = strList('strings.any_prefix_match', a, 1);
      const ps = strList('strings.any_prefix_match', b, 2);
      return ss.some((s) => ps.some((p) => s.startsWith(p)));
    },
  },
  {
    name: 'strings.any_suffix_match',
    arity: 2,
    impl: ([a, b]) => {
      const ss = strList('strings.any_suffix_match', a, 1);
      const ps = strList('strings.any_suffix_match', b, 2);
      return ss.some((s) => ps.some((p) => s.endsWith(p)));
    },
  },
  {
    name: 'format_int',
    arity: 2,
    impl: ([n, b]) => {
      const base = int('format_int', b, 2);
      if (![2, 8, 10, 16].includes(base)) throw new BuiltinError('format_int', 'operand 2 must be one of {2, 8, 10, 16}');
      const x = num('format_int', n, 1);
      const v = x.toDouble();
      return BigInt(Math.trunc(v)).toString(base);
    },
  },
  {
    name: 'sprintf',
    arity: 2,
    impl: ([f, xs]) => {
      if (!Array.isArray(xs)) throw new BuiltinError('sprintf', 'operand 2 must be array');
      return sprintf(str('sprintf', f, 1), xs);
    },
  },
  {
    name: 'to_number',
    arity: 1,
    impl: ([v]) => {
      if (v === null) return RNumber.int(0);
      if (typeof v === 'boolean') return RNumber.int(v ? 1 : 0);
      if (v instanceof RNumber) return v;
      const n = RNumber.parse(str('to_number', v, 1));
      if (n === undefined) throw new BuiltinError('to_number', 'invalid syntax');
      return n;
    },
  },
];

