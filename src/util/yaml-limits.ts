// Bounds on YAML read from outside (config files, and documents policies unmarshal, which can
// come from requests). The yaml library parses and composes recursively, and its duplicate-key
// check compares every key with every other: a deeply nested or very wide document costs a stack
// overflow or seconds. So the shape is checked in one linear pass before parsing, and duplicate
// keys are found with a hash set afterwards.

import { Composer, isMap, isScalar, Parser, visit, YAMLParseError, type CST, type Document, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from 'yaml';

export const YAML_LIMITS = {
  /** Bytes of YAML text (a config file's own cap). */
  bytes: 1024 * 1024,
  /** Collections inside collections, block and flow alike. */
  depth: 64,
} as const;

/**
 * Parses YAML text to a Document as the library's `parseDocument` does, but refuses text that is
 * too big, or too deep to compose, before the (recursive) composer sees it. The CST parser keeps
 * its own stack, so the CST is built first and its depth measured with an explicit stack; the
 * composer then works from that same CST, so the text is parsed once.
 */
export function parseBoundedDocument(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions = {},
  bounds: { readonly lineCounter?: LineCounter; readonly maxBytes?: number } = {},
): { ok: true; doc: Document.Parsed } | { ok: false; problem: string } {
  const maxBytes = bounds.maxBytes ?? YAML_LIMITS.bytes;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { ok: false, problem: `the YAML is larger than ${maxBytes} bytes` };
  const { lineCounter } = bounds;
  const tokens = [...new Parser(lineCounter?.addNewLine).parse(text)];
  const pending: { readonly token: CST.Token; readonly depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (pending.length > 0) {
    const { token: t, depth } = pending.pop()!;
    if (depth > YAML_LIMITS.depth) return { ok: false, problem: `the YAML nests collections more than ${YAML_LIMITS.depth} deep` };
    if (t.type === 'document' && t.value !== undefined) pending.push({ token: t.value, depth });
    if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      for (const item of t.items) {
        if ('key' in item && item.key) pending.push({ token: item.key, depth: depth + 1 });
        if (item.value !== undefined) pending.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  // compose(…, forceDoc) always yields at least one document.
  return { ok: true, doc: doc! };
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
