// `default` rules must have a constant value and plain, distinct variable arguments, so the
// compiler can always fall back to them without evaluating anything.
import type { Term } from '../ast/types.js';
import type { HeadParts } from './parse-head.js';
import type { ParserState } from './state.js';
import type { Token } from './tokens.js';

export function validateDefault(p: ParserState, parts: HeadParts, start: Token): void {
  if (parts.value !== undefined) {
    const bad = forbiddenInDefault(parts.value);
    if (bad !== undefined) p.fail(`illegal default rule (value cannot contain ${bad})`, start);
  }
  const seen = new Set<string>();
  for (const arg of parts.args ?? []) {
    if (arg.type !== 'var') p.fail(`illegal default rule (arguments cannot contain ${arg.type})`, start);
    if (seen.has(arg.value)) p.fail(`illegal default rule (arguments cannot be repeated ${arg.value})`, start);
    seen.add(arg.value);
  }
}

/** The first var, ref or call found outside comprehensions (whose bodies are closures). */
function forbiddenInDefault(t: Term): string | undefined {
  switch (t.type) {
    case 'var':
    case 'ref':
    case 'call':
      return t.type;
    case 'array':
    case 'set':
      return firstDefined(t.value.map(forbiddenInDefault));
    case 'object':
      return firstDefined(t.value.flatMap(([k, v]) => [forbiddenInDefault(k), forbiddenInDefault(v)]));
    default:
      return undefined;
  }
}

function firstDefined(xs: readonly (string | undefined)[]): string | undefined {
  return xs.find((x) => x !== undefined);
}
