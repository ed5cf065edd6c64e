// Every module and query of OPA's v1 conformance cases must parse, except those using syntax newer
// than this parser supports: template strings (`$"..."`, the stringinterpolation folder) and
// `not { body }` (behind `import rego.v2` / `future.keywords.not`; OPA's Wasm target skips these
// too). No case expects rego_parse_error. Per-folder counts are printed as test diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule, parseQuery, ParseError } from '../../../src/rego/parser/index.js';
import { loadCases, type ConformanceCase } from './fixtures.js';

function unsupported(c: ConformanceCase, text: string): boolean {
  return c.folder === 'stringinterpolation' || /import (rego\.v2|future\.keywords\.not)\b/.test(text);
}

interface Tally {
  modules: number;
  parsed: number;
  unsupported: number;
  queries: number;
  queriesParsed: number;
}

function attempt(run: () => unknown): ParseError | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
}

function tallyCase(c: ConformanceCase, t: Tally, failures: string[]): void {
  c.modules.forEach((m, i) => {
    t.modules++;
    const err = attempt(() => parseModule(m, `${c.folder}/${c.file}#${i}`));
    if (err === undefined) t.parsed++;
    else if (unsupported(c, m)) t.unsupported++;
    else failures.push(`${c.note}: ${err.message}`);
  });
  if (c.query === undefined) return;
  t.queries++;
  const err = attempt(() => parseQuery(c.query ?? ''));
  if (err === undefined) t.queriesParsed++;
  else if (!unsupported(c, c.query ?? '')) failures.push(`${c.note} (query): ${err.message}`);
}

test('conformance corpus: modules and queries parse', (t) => {
  const cases = loadCases();
  assert.ok(cases.length > 2000, `expected the full corpus, found ${cases.length} cases`);
  const byFolder = new Map<string, Tally>();
  const failures: string[] = [];
  for (const c of cases) {
    let tally = byFolder.get(c.folder);
    if (tally === undefined) {
      tally = { modules: 0, parsed: 0, unsupported: 0, queries: 0, queriesParsed: 0 };
      byFolder.set(c.folder, tally);
    }
    tallyCase(c, tally, failures);
  }
  const total: Tally = { modules: 0, parsed: 0, unsupported: 0, queries: 0, queriesParsed: 0 };
  for (const [folder, x] of byFolder) {
    for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += x[k];
    if (x.parsed + x.unsupported !== x.modules || x.unsupported > 0) {
      t.diagnostic(`${folder}: modules ${x.parsed}/${x.modules} (unsupported ${x.unsupported}), queries ${x.queriesParsed}/${x.queries}`);
    }
  }
  t.diagnostic(
    `total: ${cases.length} cases in ${byFolder.size} folders; modules ${total.parsed}/${total.modules} parsed ` +
      `(${total.unsupported} use unsupported syntax); queries ${total.queriesParsed}/${total.queries}`,
  );
  assert.deepEqual(failures.slice(0, 5), []);
});
