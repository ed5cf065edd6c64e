// Import paths must start at a known root. `future.keywords[.kw]` and `rego.v1` are accepted for
// compatibility and change nothing: Rego v1 already has every keyword.
import type { Import } from '../ast/types.js';
import type { ParserState } from './state.js';
import type { Token } from './tokens.js';

const ROOTS = new Set(['data', 'input', 'future', 'rego']);
const FUTURE_KEYWORDS = ['contains', 'every', 'if', 'in'];

/** `at` is the first token of the import path, where OPA points its errors. */
export function validateImport(p: ParserState, imp: Import, at: Token): void {
  const root = imp.path.head.type === 'var' ? imp.path.head.value : '';
  const names = imp.path.path.map((t) => (t.type === 'string' ? t.value : ''));
  if (!ROOTS.has(root)) {
    p.fail(`unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`, at);
  }
  if (root === 'future') {
    if (names[0] !== 'keywords') p.fail('invalid import, must be `future.keywords`', at);
    if (imp.alias !== undefined) p.fail('`future` imports cannot be aliased', at);
    if (names.length > 2) p.fail('invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`', at);
    const kw = names[1];
    if (kw !== undefined && !FUTURE_KEYWORDS.includes(kw)) {
      p.fail(`unexpected keyword, must be one of [${FUTURE_KEYWORDS.join(' ')}]`, at);
    }
  }
  if (root === 'rego' && (names.length !== 1 || names[0] !== 'v1')) {
    p.fail(`invalid import \`${imp.path.location.text}\`, must be \`rego.v1\``, at);
  }
}
