// Rego's regex builtins over JS RegExp. Rego patterns are RE2: translate the few syntax differences
// (leading inline flags, named groups, \z, \A) and reject what JS would read differently.
import { globsMatch } from './glob-intersect.js';

const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 512;

function translate(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = 'u';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    source = source.slice(lead[0].length);
    for (const f of lead[1] as string) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  source = source.replaceAll('(?P<', '(?<').replaceAll('\\z', '$(?![\\s\\S])').replaceAll('\\A', '^');
  return { source, flags };
}

/** Compiles an RE2 pattern, or returns null when it is invalid. Cached: policies reuse patterns. */
export function compileRegex(pattern: string, global = false): RegExp | null {
  const key = (global ? 'g:' : ':') + pattern;
  if (cache.has(key)) return cache.get(key) ?? null;
  let re: RegExp | null;
  try {
    const t = translate(pattern);
    re = new RegExp(t.source, t.flags + (global ? 'g' : ''));
  } catch {
    re = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, re);
  return re;
}

function mustRegex(pattern: unknown, global = false): RegExp {
  if (typeof pattern !== 'string') throw new TypeError('pattern must be a string');
  const re = compileRegex(pattern, global);
  if (re === null) throw new SyntaxError(`invalid regex ${pattern}`);
  return re;
}

function mustString(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError('expected a string');
  return v;
}

function limit(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError('expected an integer');
  return n < 0 ? Infinity : n;
}

/** regex.template_match: literal text with regex parts between the delimiters, anchored. */
function templateRegex(template: string, open: string, close: string): RegExp {
  if (open.length !== 1 || close.length !== 1) throw new TypeError('delimiters must be single characters');
  let source = '^';
  let i = 0;
  while (i < template.length) {
    const start = template.indexOf(open, i);
    if (start < 0) {
      source += escapeRegex(template.slice(i));
      break;
    }
    let depth = 0;
    let end = start;
    for (; end < template.length; end++) {
      if (template[end] === open) depth++;
      else if (template[end] === close && --depth === 0) break;
    }
    if (end >= template.length) throw new SyntaxError('unbalanced template delimiters');
    source += escapeRegex(template.slice(i, start)) + `(?:${translate(template.slice(start + 1, end)).source})`;
    i = end + 1;
  }
  return new RegExp(source + '$', 'u');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const regexBuiltins = {
  'regex.globs_match': (a: unknown, b: unknown): boolean => globsMatch(mustString(a), mustString(b)),
  'regex.template_match': (template: unknown, value: unknown, open: unknown, close: unknown): boolean =>
    templateRegex(mustString(template), mustString(open), mustString(close)).test(mustString(value)),
  'regex.match': (pattern: unknown, value: unknown): boolean => mustRegex(pattern).test(mustString(value)),
  're_match': (pattern: unknown, value: unknown): boolean => mustRegex(pattern).test(mustString(value)),
  'regex.is_valid': (pattern: unknown): boolean => typeof pattern === 'string' && compileRegex(pattern) !== null,
  'regex.find_n': (pattern: unknown, value: unknown, n: unknown): string[] => {
    const max = limit(n);
    const out: string[] = [];
    for (const m of mustString(value).matchAll(mustRegex(pattern, true))) {
      if (out.length >= max) break;
      out.push(m[0]);
    }
    return out;
  },
  'regex.find_all_string_submatch_n': (pattern: unknown, value: unknown, n: unknown): string[][] => {
    const max = limit(n);
    const out: string[][] = [];
    for (const m of mustString(value).matchAll(mustRegex(pattern, true))) {
      if (out.length >= max) break;
      out.push([...m].map((g) => g ?? ''));
    }
    return out;
  },
  'regex.replace': (value: unknown, pattern: unknown, replacement: unknown): string =>
    mustString(value).replace(mustRegex(pattern, true), mustString(replacement).replace(/\$\{?(\w+)\}?/g, '$<$1>').replace(/\$<(\d+)>/g, '$$$1')),
  'changegate.regex.split': (pattern: unknown, value: unknown): string[] => mustString(value).split(mustRegex(pattern, true)),
};
