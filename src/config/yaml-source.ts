// Parse config YAML defensively: size and nesting bounded before the (recursive) composer runs,
// one document, no duplicate keys (found with a set: the library's own check is quadratic),
// unknown tags rejected, alias expansion bounded (a "billion laughs" file must fail fast, not eat
// the heap), and every error located by line and column.

import { LineCounter, type YAMLError } from 'yaml';
import { duplicateKeyOffset, parseBoundedDocument } from '../util/yaml-limits.js';

/** Aliases are legitimate for sharing a block; a config needs a handful, never thousands. */
export const MAX_ALIAS_EXPANSIONS = 32;

export type YamlResult = { ok: true; value: unknown } | { ok: false; lines: string[] };

const FRIENDLY: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'duplicate key (each key may appear once per mapping)',
  MULTIPLE_DOCS: 'more than one YAML document (remove the extra "---")',
  TAG_RESOLVE_FAILED: 'unknown YAML tag',
};

function describe(err: YAMLError, counter: LineCounter): string {
  const { line, col } = counter.linePos(err.pos[0]);
  const text = FRIENDLY[err.code] ?? err.message.split('\n')[0] ?? err.code;
  return `line ${line}, column ${col}: ${text}`;
}

export function parseYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  const parsed = parseBoundedDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true }, { lineCounter });
  if (!parsed.ok) return { ok: false, lines: [parsed.problem] };
  const { doc } = parsed;
  // Warnings (such as an unresolved tag) would silently change a value's type; treat as errors.
  const problems = [...doc.errors, ...doc.warnings].map((e) => describe(e, lineCounter));
  const duplicate = problems.length > 0 ? undefined : duplicateKeyOffset(doc);
  if (duplicate !== undefined) {
    const { line, col } = lineCounter.linePos(duplicate);
    problems.push(`line ${line}, column ${col}: ${FRIENDLY['DUPLICATE_KEY']}`);
  }
  if (problems.length > 0) return { ok: false, lines: problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) };
  } catch (e) {
    // yaml reports alias trouble (expansion limit, alias before its anchor) as ReferenceError.
    if (!(e instanceof ReferenceError)) throw e;
    const line = /Excessive alias count/.test(e.message)
      ? `too many alias expansions (limit ${MAX_ALIAS_EXPANSIONS})`
      : `bad alias: ${e.message}`;
    return { ok: false, lines: [line] };
  }
}
