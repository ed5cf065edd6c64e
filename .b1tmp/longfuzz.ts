import { parseModule, parseQuery, ParseError } from '../src/rego/parser/index.js';
import { printModule, printQuery } from '../src/rego/ast/printer.js';
import { corpusSample, mulberry32, mutate, pick, tokenSoup } from '../test/rego/parser/fuzz-gen.js';
import { stripLocations } from '../test/rego/parser/strip.js';
import { isDeepStrictEqual } from 'node:util';
const corpus = corpusSample();
let ok = 0, rej = 0, bad = 0; let worst = 0; let worstSrc = '';
const seed = Number(process.argv[2] ?? 1);
const r = mulberry32(seed);
for (let i = 0; i < 20000; i++) {
  const src = r() < 0.4 ? tokenSoup(r) : mutate(r, pick(r, corpus));
  const t = performance.now();
  for (const kind of ['m', 'q'] as const) {
    try {
      if (kind === 'm') { const m = parseModule(src, 'f'); ok++; const p = printModule(m); const m2 = parseModule(p, 'f'); if (!isDeepStrictEqual(stripLocations(m), stripLocations(m2))) { bad++; if (bad < 4) console.log('RT', JSON.stringify(src.slice(0, 300)), '\n', p.slice(0, 500)); } }
      else { const q = parseQuery(src); const p = printQuery(q); const q2 = parseQuery(p); if (!isDeepStrictEqual(stripLocations(q), stripLocations(q2))) { bad++; if (bad < 4) console.log('RTQ', JSON.stringify(src.slice(0, 300)), '\n', p.slice(0, 500)); } }
    } catch (e) { if (e instanceof ParseError) rej++; else { bad++; if (bad < 6) console.log('CRASH', String(e).slice(0, 300), JSON.stringify(src.slice(0, 300))); } }
  }
  const dt = performance.now() - t; if (dt > worst) { worst = dt; worstSrc = src.slice(0, 100); }
}
console.log({ seed, ok, rej, bad, worst: worst.toFixed(1), worstSrc: JSON.stringify(worstSrc) });
