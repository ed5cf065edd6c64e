// regex.globs_match: do two simple patterns (OPA's "glob" regex subset) match a common string?
// The subset: literal characters, `\` escapes, `.`, character classes `[a-z]`/`[^...]`, each
// optionally repeated by `*`, `+` or `?`. Both patterns become small automata and a search of
// their product finds whether both can accept the same string. Linear in the product's size.

interface CharSet {
  readonly negated: boolean;
  /** Inclusive code point ranges. */
  readonly ranges: readonly (readonly [number, number])[];
}

type Repeat = 'one' | 'star' | 'plus' | 'opt';

interface Token {
  readonly set: CharSet;
  readonly repeat: Repeat;
}

const ANY: CharSet = { negated: true, ranges: [] };
const MAX_CODE_POINT = 0x10ffff;

function single(cp: number): CharSet {
  return { negated: false, ranges: [[cp, cp]] };
}

function fail(pattern: string, pos: number, what: string): never {
  throw new SyntaxError(`input:${pattern}, pos:${pos}, ${what}: the input provided is invalid`);
}

function parseClass(pattern: string, chars: readonly string[], start: number): { set: CharSet; next: number } {
  let i = start + 1;
  const negated = chars[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  const read = (): number => {
    let c = chars[i];
    if (c === '\\') c = chars[++i];
    if (c === undefined) fail(pattern, i, "set-open '[' with no following ']'");
    i++;
    return c.codePointAt(0) as number;
  };
  while (chars[i] !== ']') {
    if (chars[i] === undefined) fail(pattern, i, "set-open '[' with no following ']'");
    const lo = read();
    if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== undefined) {
      i++;
      const hi = read();
      if (hi < lo) fail(pattern, i, 'invalid range');
      ranges.push([lo, hi]);
    } else {
      ranges.push([lo, lo]);
    }
  }
  return { set: { negated, ranges }, next: i + 1 };
}

function tokenize(pattern: string): Token[] {
  const chars = [...pattern];
  const out: Token[] = [];
  for (let i = 0; i < chars.length; ) {
    const c = chars[i] as string;
    let set: CharSet;
    if (c === '[') {
      const cls = parseClass(pattern, chars, i);
      set = cls.set;
      i = cls.next;
    } else if (c === ']') {
      fail(pattern, i + 1, "set-close ']' with no preceding '['");
    } else if (c === '*' || c === '+' || c === '?') {
      fail(pattern, i + 1, `repetition '${c}' with nothing to repeat`);
    } else if (c === '\\') {
      const e = chars[i + 1];
      if (e === undefined) fail(pattern, i + 1, 'trailing escape');
      set = single(e.codePointAt(0) as number);
      i += 2;
    } else {
      set = c === '.' ? ANY : single(c.codePointAt(0) as number);
      i++;
    }
    const r = chars[i];
    const repeat: Repeat = r === '*' ? 'star' : r === '+' ? 'plus' : r === '?' ? 'opt' : 'one';
    if (repeat !== 'one') i++;
    out.push({ set, repeat });
  }
  return out;
}

/** Sorted, merged ranges. */
function merged(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Whether some code point of `[lo, hi]` lies outside every range of `cover`. */
function escapes(lo: number, hi: number, cover: readonly [number, number][]): boolean {
  let next = lo;
  for (const [a, b] of cover) {
    if (b < next) continue;
    if (a > next) return true;
    next = b + 1;
    if (next > hi) return false;
  }
  return next <= hi;
}

function intersects(a: CharSet, b: CharSet): boolean {
  if (a.negated && b.negated) return escapes(0, MAX_CODE_POINT, merged([...a.ranges, ...b.ranges]));
  if (a.negated) return intersects(b, a);
  if (b.negated) {
    const cover = merged(b.ranges);
    return a.ranges.some(([lo, hi]) => escapes(lo, hi, cover));
  }
  return a.ranges.some(([lo, hi]) => b.ranges.some(([c, d]) => lo <= d && c <= hi));
}

/** States reachable from `i` without consuming (skipping optional tokens). */
function closure(tokens: readonly Token[], i: number): number[] {
  const out = [i];
  for (let j = i; j < tokens.length && (tokens[j] as Token).repeat !== 'one' && (tokens[j] as Token).repeat !== 'plus'; j++) out.push(j + 1);
  return out;
}

/** Where consuming one character of token `i` may lead. */
function after(tokens: readonly Token[], i: number): number[] {
  const r = (tokens[i] as Token).repeat;
  return r === 'star' ? [i] : r === 'plus' ? [i, i + 1] : [i + 1];
}

/** The product automaton's size bound: beyond it the answer is an error, not a long search. */
const MAX_PRODUCT_STATES = 4_000_000;

export function globsMatch(p1: string, p2: string): boolean {
  const a = tokenize(p1);
  const b = tokenize(p2);
  if ((a.length + 1) * (b.length + 1) > MAX_PRODUCT_STATES) throw new RangeError('regex.globs_match: patterns too long');
  const seen = new Set<number>();
  const stack: [number, number][] = [];
  const visit = (i: number, j: number): void => {
    for (const x of closure(a, i)) {
      for (const y of closure(b, j)) {
        const key = x * (b.length + 1) + y;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push([x, y]);
        }
      }
    }
  };
  visit(0, 0);
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    const [i, j] = s;
    if (i === a.length && j === b.length) return true;
    if (i === a.length || j === b.length) continue;
    if (!intersects((a[i] as Token).set, (b[j] as Token).set)) continue;
    for (const x of after(a, i)) for (const y of after(b, j)) visit(x, y);
  }
  return false;
}
