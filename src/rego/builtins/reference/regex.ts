// regex.* on JS RegExp (RE2 syntax is close to JS for the patterns policies use). Compiled
// patterns are cached; very long patterns are refused to bound work on hostile input.
import { BuiltinError } from '../../value/errors.js';
import type { Value } from '../../value/value.js';
import { int, str } from './check.js';
import type { BuiltinDef } from './types.js';

const cache = new Map<string, RegExp>();

export function compileRegex(name: string, pattern: string, flags = 'u'): RegExp {
  const key = `${flags}/${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (pattern.length > 5000) throw new BuiltinError(name, 'pattern too long');
  let src = pattern;
  let fl = flags;
  // RE2 inline flags at the start, e.g. (?i), become JS flags.
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    for (const f of m[1] ?? '') if ('ims'.includes(f) && !fl.includes(f)) fl += f;
  }
  let re: RegExp;
  try {
    re = new RegExp(src.replace(/\\z/g, '$').replace(/\(\?P</g, '(?<'), fl);
  } catch (e) {
    throw new BuiltinError(name, `error parsing regexp: ${(e as Error).message}`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

function findAll(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const out: RegExpExecArray[] = [];
  for (let m = g.exec(s); m !== null && (n < 0 || out.length < n); m = g.exec(s)) {
    out.push(m);
    if (m[0] === '') g.lastIndex++;
  }
  return out;
}

export const regexBuiltins: BuiltinDef[] = [
  {
    name: 'regex.match',
    arity: 2,
    impl: ([p, s]) => compileRegex('regex.match', str('regex.match', p, 1)).test(str('regex.match', s, 2)),
  },
  {
    name: 'regex.is_valid',
    arity: 1,
    impl: ([p]) => {
      if (typeof p !== 'string') return false;
      try {
        compileRegex('regex.is_valid', p);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'regex.split',
    arity: 2,
    impl: ([p, s]) => str('regex.split', s, 2).split(compileRegex('regex.split', str('regex.split', p, 1))),
  },
  {
    name: 'regex.find_n',
    arity: 3,
    impl: ([p, s, n]) =>
      findAll(compileRegex('regex.find_n', str('regex.find_n', p, 1)), str('regex.find_n', s, 2), int('regex.find_n', n, 3)).map((m) => m[0]),
  },
  {
    name: 'regex.find_all_string_submatch_n',
    arity: 3,
    impl: ([p, s, n]) => {
      const name = 'regex.find_all_string_submatch_n';
      return findAll(compileRegex(name, str(name, p, 1)), str(name, s, 2), int(name, n, 3)).map((m) =>
        [...m].map((x): Value => x ?? ''),
      );
    },
  },
  {
    name: 'regex.replace',
    arity: 3,
    impl: ([s, p, r]) => {
      const re = compileRegex('regex.replace', str('regex.replace', p, 2), 'gu');
      const repl = str('regex.replace', r, 3).replace(/\$\{?(\w+)\}?/g, '$<$1>').replace(/\$<(\d+)>/g, '$$$1');
      return str('regex.replace', s, 1).replace(re, repl);
    },
  },
];

