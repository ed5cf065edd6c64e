// glob.match with gobwas/glob semantics: `*` stops at delimiters, `**` does not, `?`, `[...]`,
// `{a,b}`. Compiled to a JS regex; patterns are bounded so hostile input cannot blow up.
import { BuiltinError } from '../../value/errors.js';
import { elems, str } from './check.js';
import type { BuiltinDef } from './types.js';

const cache = new Map<string, RegExp>();

function esc(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function compileGlob(pattern: string, delims: string[]): RegExp {
  const key = `${pattern}\u0000${delims.join('')}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (pattern.length > 2000) throw new BuiltinError('glob.match', 'pattern too long');
  const notDelim = delims.length === 0 ? '[\\s\\S]' : `[^${delims.map(esc).join('')}]`;
  let re = '';
  let depth = 0;
  const cs = [...pattern];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as string;
    if (c === '\\') {
      i++;
      re += esc(cs[i] ?? '\\');
    } else if (c === '*') {
      if (cs[i + 1] === '*') {
        re += '[\\s\\S]*';
        i++;
      } else re += `${notDelim}*`;
    } else if (c === '?') re += notDelim;
    else if (c === '[') {
      const end = cs.indexOf(']', i + 1);
      if (end < 0) throw new BuiltinError('glob.match', 'unexpected end of input');
      let body = cs.slice(i + 1, end).join('');
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += esc(c);
  }
  if (depth !== 0) throw new BuiltinError('glob.match', 'unexpected end of input');
  const out = new RegExp(`^${re}$`, 'u');
  if (cache.size > 1000) cache.clear();
  cache.set(key, out);
  return out;
}

export const globBuiltins: BuiltinDef[] = [
  {
    name: 'glob.match',
    arity: 3,
    impl: ([p, d, s]) => {
      // null means "no delimiters"; an empty array means the default ".", as in OPA.
      let delims = d === null ? [] : elems('glob.match', d, 2).map((x) => str('glob.match', x, 2));
      if (d !== null && delims.length === 0) delims = ['.'];
      return compileGlob(str('glob.match', p, 1), delims).test(str('glob.match', s, 3));
    },
  },
  {
    name: 'glob.quote_meta',
    arity: 1,
    impl: ([p]) => str('glob.quote_meta', p, 1).replace(/[*?\\[\]{}]/g, '\\$&'),
  },
];
