// Bounds on YAML read from outside (config files, and documents policies unmarshal, which can
// come from requests). The yaml library parses and composes recursively, and its duplicate-key
// check compares every key with every other: a deeply nested or very wide document costs a stack
// overflow or seconds. So the shape is checked in one linear pass before parsing, and duplicate
// keys are found with a hash set afterwards.

import { isMap, isScalar, Parser, visit, type CST, type Document } from 'yaml';

export const YAML_LIMITS = {
  /** Bytes of YAML text. */
  bytes: 1024 * 1024,
  /** Collections inside collections, block and flow alike. */
  depth: 64,
} as const;

/**
 * Why the text is too big or too deep to compose, or undefined. The yaml library's CST parser
 * keeps its own stack (it does not recurse), so the text is parsed to a CST first and its depth
 * measured with an explicit stack; only then does the recursive composer see it.
 */
export function yamlShapeProblem(text: string): string | undefined {
  if (Buffer.byteLength(text, 'utf8') > YAML_LIMITS.bytes) return `the YAML is larger than ${YAML_LIMITS.bytes} bytes`;
  const pending: { readonly token: CST.Token; readonly depth: number }[] = [];
  for (const token of new Parser().parse(text)) {
    pending.push({ token, depth: 0 });
    while (pending.length > 0) {
      const { token: t, depth } = pending.pop()!;
      if (depth > YAML_LIMITS.depth) return `the YAML nests collections more than ${YAML_LIMITS.depth} deep`;
      if (t.type === 'document' && t.value !== undefined) pending.push({ token: t.value, depth });
      if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
        for (const item of t.items) {
          if ('key' in item && item.key) pending.push({ token: item.key, depth: depth + 1 });
          if (item.value !== undefined) pending.push({ token: item.value, depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

/**
 * Where the first key that repeats in its mapping starts (an offset in the text), or undefined.
 * Keys are the same when they are scalars with the same value, as the yaml library's own
 * `uniqueKeys` check has it; a set per mapping keeps this linear.
 */
export function duplicateKeyOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value: unknown = pair.key.value;
        const id = `${typeof value}:${String(value)}`;
        if (seen.has(id)) {
          found = pair.key.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}
